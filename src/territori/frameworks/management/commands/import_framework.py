from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from territori.core.commands import read_input_file, validation_error
from territori.frameworks.services import framework_file_import
from territori.io.errors import InputValidationError


class Command(BaseCommand):
    help = (
        "Import a framework from YAML, CSV or Excel (columns: framework, code, parent_code, level, "
        "title_it, title_en, description). Validates the whole file first; writes nothing on any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .yaml/.yml, .csv or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            report = framework_file_import(
                data=read_input_file(path),
                filename=Path(path).name,
                channel="cli",
                dry_run=options["dry_run"],
            )
        except InputValidationError as exc:
            raise validation_error(path, exc) from exc
        prefix = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{prefix} {path}: frameworks +{report.frameworks_created} ~{report.frameworks_updated}; "
            f"nodes +{report.nodes_created} ~{report.nodes_updated} ={report.nodes_unchanged}; "
            f"links +{report.links_created} ~{report.links_updated} ={report.links_unchanged}"
        )
        if report.nodes_not_in_file:
            self.stdout.write(
                f"{len(report.nodes_not_in_file)} node(s) in the database are not in the file and were kept: "
                + ", ".join(report.nodes_not_in_file[:20])
            )
        for moved in report.roles_moved:
            self.stdout.write(f"role moved ({moved})")
