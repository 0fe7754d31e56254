from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from territori.core.commands import read_input_file, validation_error
from territori.io.errors import InputValidationError
from territori.participation.services.loading import participation_import


class Command(BaseCommand):
    help = (
        "Load processes (with phases), bodies (with members), meetings (with agendas) and "
        "questionnaires from a participation file (YAML, layout in docs/formats.md). Records "
        "are matched by code; all-or-nothing; loading again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        report = participation_import(
            data=read_input_file(path), channel="cli", dry_run=options["dry_run"]
        )
        if report.errors:
            raise validation_error(path, InputValidationError(report.errors))
        counts = ", ".join(
            f"{name}: {report.created[name]} created, {report.updated[name]} updated"
            for name in sorted(set(report.created) | set(report.updated))
        )
        prefix = "dry run, nothing written: " if options["dry_run"] else ""
        self.stdout.write(f"{path}: {prefix}{counts or 'nothing to change'}")
