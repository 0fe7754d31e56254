from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.progress import Progress

from territori.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the Turin demo data (frameworks, territories, zone memberships, map). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--no-illustrative",
            action="store_true",
            help=(
                "real data only: leave out the illustrative indicators (removing those loaded "
                "before), coherence scores, networks and participation content"
            ),
        )
        parser.add_argument(
            "--skip-report",
            action="store_true",
            help="do not build the demo monitoring report (HTML and PDF, about a minute)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        illustrative = not options["no_illustrative"]
        if options["quiet"]:
            report = demo_load(illustrative=illustrative)
        else:
            with Progress(transient=True) as bar:
                task = bar.add_task("demo", total=1)

                def progress(step: str, done: int, total: int) -> None:
                    bar.update(task, description=step, completed=done, total=total)

                report = demo_load(progress=progress, illustrative=illustrative)
        territories = report.territories
        self.stdout.write(
            f"demo loaded: {report.changes} change(s); "
            f"nodes created {sum(r.nodes_created for r in report.frameworks.values())}, "
            f"territories created {territories.created if territories else 0}, "
            f"memberships created {report.memberships_created}, map of {report.topology_features} comuni"
        )
        indicators = report.indicators
        if indicators is not None:
            for name, outcome in (indicators.imports or {}).items():
                for territory, row in outcome.skipped_territories.items():
                    self.stdout.write(
                        f"  {name}: {territory!r} is not a territory here, skipped "
                        f"(first at row {row})"
                    )
            if indicators.removed:
                self.stdout.write(
                    f"  illustrative indicators removed: {', '.join(indicators.removed)}"
                )
        if not options["skip_report"]:
            from territori.demo.publication import REPORT_YEAR
            from territori.publication.models import Report
            from territori.publication.report import report_build

            report_row = Report.objects.get(year=REPORT_YEAR)
            if report_row.state == Report.State.DONE:
                self.stdout.write(f"the {REPORT_YEAR} monitoring report is already built")
            else:
                self.stdout.write(f"building the {REPORT_YEAR} monitoring report (HTML, PDF)...")
                built = report_build(report_row.pk)
                self.stdout.write(f"report built in {built.build_seconds} s")
