from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from territori.core.commands import read_input_file, validation_error
from territori.frameworks.services import pnrr_mapping_import
from territori.io.errors import InputValidationError


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import the official mapping of PNRR measures to SNSvS indicators and SDG goals "
        "(Mappatura_PNRR_SNSvS_Agenda2030 from Italia Domani): measures become nodes of the "
        "PNRR framework, linked to the SDG goals (confirmed, with the source). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the mapping CSV as published (; separated)")
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            with transaction.atomic():
                report = pnrr_mapping_import(
                    data=read_input_file(path), filename=Path(path).name, channel="cli"
                )
                if options["dry_run"]:
                    raise DryRun
        except InputValidationError as exc:
            raise validation_error(path, exc) from exc
        except DryRun:
            pass
        verb = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{verb} {path}: measures +{report.measures_created} ~{report.measures_updated}; "
            f"links to SDG goals +{report.links_created}, confirmed {report.links_confirmed}, "
            f"unchanged {report.unchanged}"
        )
