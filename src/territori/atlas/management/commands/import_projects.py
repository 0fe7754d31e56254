from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.atlas.projects import opencoesione_import, regis_import
from territori.core.commands import validation_error
from territori.io.errors import InputValidationError


class Command(BaseCommand):
    help = (
        "Import projects: --opencoesione FILE (the projects CSV), or --regis PROGETTI "
        "LOCALIZZAZIONE (the PNRR files, joined on CUP). Only places in the metropolitan "
        "city are kept. All-or-nothing; the same files again change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--opencoesione", metavar="FILE")
        group.add_argument("--regis", nargs=2, metavar=("PROGETTI", "LOCALIZZAZIONE"))
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = (
            [Path(options["opencoesione"])]
            if options["opencoesione"]
            else [Path(p) for p in options["regis"]]
        )
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file")
        if options["opencoesione"]:
            report = opencoesione_import(
                data=paths[0].read_bytes(),
                filename=paths[0].name,
                channel="cli",
                dry_run=options["dry_run"],
            )
        else:
            report = regis_import(
                projects=paths[0].read_bytes(),
                projects_name=paths[0].name,
                places=paths[1].read_bytes(),
                places_name=paths[1].name,
                channel="cli",
                dry_run=options["dry_run"],
            )
        if report.errors:
            raise validation_error(paths[0].name, InputValidationError(report.errors))
        self.stdout.write(
            f"projects: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.outside} outside the metropolitan city"
        )
