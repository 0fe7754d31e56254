"""Benchmark: does a page cost more when the data grows? (issue 19 §1)

On a scratch SQLite file (/tmp/territori-scale.sqlite3, or DATABASE_URL=sqlite:////…) with
the demo loaded, and a copy of it where the observations are ten times as many (`--factor`;
`--grow breakdowns`, the default: every total again under as many breakdowns as it takes, as
ISTAT's by sex or age class; or `--grow indicators`: copies of every indicator, joined to no
Mission), times every page of `bench/web_load.py`'s mix without the page cache (the first
request after a change, the worst case) and prints each page's median on both and the ratio
(aim: at most 1.5×). Each page is timed on both files in turn, request by request, so that a
slower spell of this shared machine weighs on both alike.
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
# one client walks the API by cursor below: the limit per address would answer 429
os.environ.setdefault("TERRITORI_API_RATE_ANON", "1000000/m")
os.environ.setdefault("TERRITORI_API_RATE_TOKEN", "1000000/m")
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


def use_database(name: str) -> None:
    """Point the default connection at another SQLite file (reconnects on the next query)."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def timed_pair(client: object, path: str, files: tuple[str, str], repeats: int) -> list[float]:
    """Median ms of `path` on each database, the two timed in turn, request by request: a
    machine that slows down for a while slows both alike (this one is shared)."""
    samples: list[list[float]] = [[], []]
    for _ in range(repeats + 1):
        for which, name in enumerate(files):
            use_database(name)
            start = time.perf_counter()
            response = client.get(path)  # type: ignore[attr-defined]
            samples[which].append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"{path}: status {response.status_code}")
    return [statistics.median(s[1:]) * 1000 for s in samples]  # the first warms up


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
    from django.db import connection
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
    rows = Observation.objects.count()
    totals = Observation.objects.filter(breakdown="").count()  # what one copy adds
    copies = args.copies or math.ceil((args.factor - 1) * rows / totals)
    demo_file = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" or not demo_file or ":memory:" in str(demo_file):
        raise SystemExit("this benchmark compares two SQLite files: DATABASE_URL=sqlite:////…")
    grown_file = f"{demo_file}.grown"
    Path(grown_file).unlink(missing_ok=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [grown_file])  # the demo, copied
    use_database(grown_file)
    added = grow(copies, how=args.grow)
    files = (str(demo_file), grown_file)
    measured = {path: timed_pair(client, path, files, args.repeats) for path in pages}
    before = {path: pair[0] for path, pair in measured.items()}
    after = {path: pair[1] for path, pair in measured.items()}
    use_database(grown_file)
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
