from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.progress import Progress

from territori.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the Turin demo data (frameworks, territories, zone memberships, map). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["quiet"]:
            report = demo_load()
        else:
            with Progress(transient=True) as bar:
                task = bar.add_task("demo", total=1)

                def progress(step: str, done: int, total: int) -> None:
                    bar.update(task, description=step, completed=done, total=total)

                report = demo_load(progress=progress)
        territories = report.territories
        self.stdout.write(
            f"demo loaded: {report.changes} change(s); "
            f"nodes created {sum(r.nodes_created for r in report.frameworks.values())}, "
            f"territories created {territories.created if territories else 0}, "
            f"memberships created {report.memberships_created}, map of {report.topology_features} comuni"
        )
