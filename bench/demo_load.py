"""Benchmark: loading the whole Turin demo into an empty database (what `./run` does the first
time and what the test session does once): frameworks (with the PNRR mapping), all of Italy's
territories, the real ISTAT data (BES dei territori, SDG measures), the real PNRR projects,
the illustrative data, and the computed rows (aggregates, assessments, projections,
composite indices). The aim is 60 s on SQLite on a 2-core machine.

    python bench/demo_load.py [--runs N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territori.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    runs = parser.parse_args().runs

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from territori.demo.services import demo_load
    from territori.indicators.models import Assessment, CompositeValue, Observation, Projection

    totals = []
    steps: list[tuple[str, float]] = []  # (step, when it started)

    def progress(step: str, done: int, total: int) -> None:
        steps.append((step, time.perf_counter()))

    for run in range(runs):
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        steps.clear()
        start = time.perf_counter()

        demo_load(progress=progress)
        totals.append(time.perf_counter() - start)
        if run == 0:
            for (name, began), (_next, ended) in itertools.pairwise(steps):
                print(f"  {ended - began:6.1f} s  {name}")
    counts = {
        model.__name__: model.objects.count()
        for model in (Observation, Assessment, Projection, CompositeValue)
    }
    print(f"database: {connection.vendor}; rows: {counts}")
    print(
        f"demo load, {runs} runs on an empty database: median {statistics.median(totals):.1f} s,"
        f" max {max(totals):.1f} s (aim: 60 s on SQLite, 2 cores)"
    )


if __name__ == "__main__":
    main()
