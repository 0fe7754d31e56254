"""Benchmark: the monitoring report (issue 7 §6), HTML and PDF in Italian and English, for
the full demo dataset, on a scratch SQLite database (or DATABASE_URL). Aim: under 60 s.

    python bench/report_build.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territori.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/territori-bench.sqlite3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    runs = parser.parse_args().runs

    import django

    django.setup()
    import io

    from django.core.management import call_command
    from pypdf import PdfReader

    from territori.demo.publication import REPORT_YEAR
    from territori.demo.services import demo_load
    from territori.publication.models import Report
    from territori.publication.report import report_build

    call_command("migrate", verbosity=0)
    demo_load()
    report = Report.objects.get(year=REPORT_YEAR)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        report = report_build(report.pk)
        timings.append(time.perf_counter() - start)
    pages = {
        lang: len(PdfReader(io.BytesIO(bytes(getattr(report, f"pdf_{lang}")))).pages)
        for lang in ("it", "en")
    }
    print(
        f"report {REPORT_YEAR}: {len(report.html_it):,} + {len(report.html_en):,} characters of HTML"
    )
    figures = [len(png) for png in report.figures.values_list("png", flat=True)]
    print(
        f"images stored beside it (served by address): {len(figures)}, "
        f"{sum(figures) / 1e6:.1f} MB in all, largest {max(figures, default=0) / 1e3:.0f} kB"
    )
    print(
        f"PDF pages: it {pages['it']}, en {pages['en']}; sizes {len(report.pdf_it):,} and {len(report.pdf_en):,} bytes"
    )
    print(
        f"build (both languages, HTML and PDF), {runs} runs: median {statistics.median(timings):.1f} s, max {max(timings):.1f} s"
    )
    print("aim: under 60 s ->", "met" if max(timings) < 60 else "NOT met")


if __name__ == "__main__":
    main()
