from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.publication.models import Report
from territori.publication.report import report_build


class Command(BaseCommand):
    help = "Build a monitoring report (HTML and PDF, Italian and English) now, in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help="the report's edition (year)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        report = Report.objects.filter(year=year).first()
        if report is None:
            known = ", ".join(str(y) for y in Report.objects.values_list("year", flat=True))
            raise CommandError(f"year: no report for {year} (reports: {known or 'none'})")
        built = report_build(report.pk)
        self.stdout.write(
            f"report {year} built in {built.build_seconds} s: "
            f"PDF {len(built.pdf_it):,} bytes (it), {len(built.pdf_en):,} bytes (en)"
        )
