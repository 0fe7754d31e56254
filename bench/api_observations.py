"""Benchmark: the API's observations as CSV (issue 7 §6): 10,000 rows, the queries it makes
and the time, on a scratch SQLite database (or DATABASE_URL) with the demo loaded.

    DJANGO_SETTINGS_MODULE=territori.settings.test python bench/api_observations.py
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territori.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/territori-bench.sqlite3")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from territori.demo.services import demo_load
    from territori.indicators.models import Observation

    setup_test_environment()
    call_command("migrate", verbosity=0)
    demo_load()
    query = "level=comune&year_from=2010"
    rows = Observation.objects.filter(territory__kind="comune", year__gte=2010).count()
    client = Client()
    timings = []
    for _ in range(5):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(f"/api/v1/indicators/observations.csv?{query}&indicator=RD")
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    lines = response.content.count(b"\n") - 1
    print(f"observations in the demo (comuni, 2010-): {rows}")
    print(
        f"CSV of one indicator: {lines} rows, {len(captured)} queries, median {statistics.median(timings) * 1000:.0f} ms"
    )
    timings = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(f"/api/v1/indicators/observations.csv?{query}")
            timings.append(time.perf_counter() - start)
    lines = response.content.count(b"\n") - 1
    print(
        f"CSV of every indicator: {lines} rows, {len(captured)} queries, median {statistics.median(timings) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
