from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.core.commands import validation_error
from territori.io.errors import InputValidationError
from territori.io.programme import programme_parse
from territori.programme.services import programme_load


class Command(BaseCommand):
    help = (
        "Load a programme (actions, budget, outputs) from a YAML in the layout of "
        "reference/proposta-2024.yaml. All-or-nothing: every action's cost items and funders "
        "must add up to its total and the actions to the totals. Loading again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--code", required=True, help="e.g. proposta-2024")
        parser.add_argument("--title", required=True, help="the programme's title in Italian")
        parser.add_argument("--title-en", default="")
        parser.add_argument("--source", default="", help="where the figures come from")
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        data = path.read_bytes()
        if options["dry_run"]:
            _fields, actions, errors = programme_parse(data)
            if errors:
                raise validation_error(path.name, InputValidationError(errors))
            self.stdout.write(f"{path.name}: {len(actions)} actions, no problem")
            return
        try:
            created, updated = programme_load(
                data=data,
                code=options["code"],
                title_it=options["title"],
                title_en=options["title_en"],
                source=options["source"],
                channel="cli",
            )
        except InputValidationError as exc:
            raise validation_error(path.name, exc) from exc
        self.stdout.write(f"{options['code']}: {created} actions created, {updated} updated")
