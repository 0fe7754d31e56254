from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from territori.core.commands import read_input_file, validation_error
from territori.io.errors import InputValidationError
from territori.territories.services import zone_memberships_import, zone_memberships_plan


class Command(BaseCommand):
    help = (
        "Import comune → zona omogenea memberships from CSV or Excel (columns: comune (ISTAT code "
        "or name), zona (number), valid_from). Validates first; writes nothing on any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv or .xlsx file")
        parser.add_argument(
            "--source", default="", help="where the list comes from (kept with each membership)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        data = read_input_file(path)
        try:
            if options["dry_run"]:
                plan = zone_memberships_plan(data=data, filename=Path(path).name)
                if plan.errors:
                    raise InputValidationError(plan.errors)
                self.stdout.write(
                    f"would create {len(plan.create)}, close {len(plan.close)}, leave {len(plan.unchanged)} unchanged"
                )
                return
            report = zone_memberships_import(
                data=data,
                filename=Path(path).name,
                source=options["source"] or Path(path).name,
                channel="cli",
            )
        except InputValidationError as exc:
            raise validation_error(path, exc) from exc
        self.stdout.write(
            f"imported {path}: {report.created} created, {report.closed} closed (moved), {report.unchanged} unchanged"
        )
