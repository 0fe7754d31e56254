"""Benchmark: does a page cost more when the data grows? (issue 19 §1)

On a scratch database (SQLite by default, or DATABASE_URL) with the demo loaded, times every
page of `bench/web_load.py`'s mix without the page cache (the first request after a change,
the worst case), then makes the observations ten times as many (`--factor`; `--grow
breakdowns`, the default: every total again under as many breakdowns as it takes, as ISTAT's
by sex or age class; or `--grow indicators`: copies of every indicator, joined to no
Mission), times the pages
again and prints each page's median before and after and the ratio (aim: at most 1.5×).
Then times the API's observations list at its first page, deep by offset and by cursor.

    DJANGO_SETTINGS_MODULE=territori.settings.test python bench/scale_pages.py [--factor 10]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territori.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/territori-scale.sqlite3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_load import PAGES  # the same mix as the load test


def timed(client: object, path: str, repeats: int) -> float:
    """The median time of `repeats` GETs of `path`, in ms (the first one warms up)."""
    client.get(path)  # type: ignore[attr-defined]
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        timings.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{path}: status {response.status_code}")
    return statistics.median(timings) * 1000


def grow(copies: int, *, how: str) -> int:
    """Add `copies` × the demo's observations; the rows added. `breakdowns`: every
    observation again under breakdowns B1, B2… (as ISTAT's by sex or age class: the same
    indicators, more rows each); `indicators`: copies of every indicator with its
    observations (more indicators, attached to no Mission)."""
    from django.db import transaction

    from territori.indicators.models import Indicator, Observation

    fields = [
        f.attname for f in Observation._meta.concrete_fields if f.name not in {"id", "indicator"}
    ]
    added = 0
    originals = list(Indicator.objects.values_list("pk", flat=True))
    for n in range(1, copies + 1):
        with transaction.atomic():
            for pk in originals:
                rows = list(
                    Observation.objects.filter(indicator_id=pk, breakdown="").values(*fields)
                )
                if how == "breakdowns":
                    made = [
                        Observation(indicator_id=pk, **{**row, "breakdown": f"B{n}"})
                        for row in rows
                    ]
                else:
                    copy = Indicator.objects.get(pk=pk)
                    copy.pk = None
                    copy._state.adding = True
                    copy.code = f"{copy.code[:40]}-X{n}"
                    copy.save()
                    made = [Observation(indicator=copy, **row) for row in rows]
                Observation.objects.bulk_create(made, batch_size=5000)
                added += len(made)
    return added


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--factor",
        type=float,
        default=10.0,
        help="grow the observations to this many times the demo's (default 10)",
    )
    parser.add_argument(
        "--copies", type=int, default=None, help="or say how many copies of the totals to add"
    )
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument(
        "--grow",
        choices=["breakdowns", "indicators"],
        default="breakdowns",
        help="more rows for the same indicators (default), or more indicators",
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from territori.indicators.models import Observation

    settings.TERRITORI_PAGE_CACHE = False
    setup_test_environment()
    call_command("migrate", verbosity=0)
    if Observation.objects.exists():
        call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)  # with its report, as `./run` does
    client = Client()
    pages = [*PAGES, "/api/v1/indicators/observations?limit=100"]
    before = {path: timed(client, path, args.repeats) for path in pages}
    rows = Observation.objects.count()
    totals = Observation.objects.filter(breakdown="").count()  # what one copy adds
    copies = args.copies or math.ceil((args.factor - 1) * rows / totals)
    added = grow(copies, how=args.grow)
    after = {path: timed(client, path, args.repeats) for path in pages}
    print(
        f"observations: {rows:,} → {rows + added:,} ({(rows + added) / rows:.1f}×, "
        f"grown by {args.grow})"
    )
    print(f"{'page':<50} {'before ms':>10} {'after ms':>10} {'ratio':>6}")
    worst = 0.0
    for path in pages:
        ratio = after[path] / before[path]
        worst = max(worst, ratio)
        print(f"{path:<50} {before[path]:>10.1f} {after[path]:>10.1f} {ratio:>6.2f}")
    print(f"worst ratio {worst:.2f} (aim: at most 1.5)")
    base = "/api/v1/indicators/observations?limit=100"
    deep = (rows + added) - 200
    first = timed(client, base, args.repeats)
    by_offset = timed(client, f"{base}&offset={deep}", args.repeats)
    cursor = None
    page = client.get(f"{base}&limit=1000").json()
    # walk to about the same depth by cursor, a thousand rows at a time
    while page["next_cursor"] and len(page["items"]) == 1000 and deep > 1000:
        cursor = page["next_cursor"]
        deep -= 1000
        page = client.get(f"{base}&limit=1000&cursor={cursor}").json()
    by_cursor = timed(client, f"{base}&cursor={cursor}", args.repeats)
    print(
        f"API observations, 100 rows: first page {first:.1f} ms, "
        f"by offset near the end {by_offset:.1f} ms, by cursor near the end {by_cursor:.1f} ms"
    )


if __name__ == "__main__":
    main()
