from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.atlas.services import atlas_import
from territori.core.commands import validation_error
from territori.io.atlas import KINDS
from territori.io.errors import InputValidationError


class Command(BaseCommand):
    help = (
        "Import organisations, networks and memberships: an Excel workbook with the sheets "
        "organizzazioni, reti, adesioni, or one CSV (--kind). All-or-nothing; re-importing "
        "the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--kind", choices=KINDS, help="what a CSV holds")
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        report = atlas_import(
            data=path.read_bytes(),
            filename=path.name,
            kind=options["kind"],
            channel="cli",
            dry_run=options["dry_run"],
        )
        if report.errors:
            raise validation_error(path.name, InputValidationError(report.errors))
        for kind in KINDS:
            self.stdout.write(
                f"{kind}: {report.created[kind]} created, {report.updated[kind]} updated, "
                f"{report.unchanged[kind]} unchanged"
            )
