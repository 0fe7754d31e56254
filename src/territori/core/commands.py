"""Shared helpers for the product's management commands (the commands are in each app's
`management/commands`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.io.errors import InputValidationError, errors_summarise
from territori.io.limits import ERRORS_PER_KIND


def read_input_file(path: str) -> bytes:
    file = Path(path)
    if not file.exists():
        raise CommandError(f"{path}: no such file")
    if not file.is_file():
        raise CommandError(f"{path}: not a file")
    return file.read_bytes()


def validation_error(path: str, error: InputValidationError) -> CommandError:
    lines = [f"{path}: {len(error.errors):,} problem(s), nothing was written:"]
    lines += [f"  - {item}" for item in errors_summarise(error.errors, per_kind=ERRORS_PER_KIND)]
    return CommandError("\n".join(lines))


class RetentionPurgeCommand(BaseCommand):
    """A command that deletes personal records older than a retention period (--days, by
    default the setting `retention_setting`), through `purge(days=...)`."""

    retention_setting = ""
    #: What was done, with {deleted} and {days}.
    report = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def purge(self, *, days: int) -> int:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = getattr(settings, self.retention_setting)
        if days < 0:
            raise CommandError(f"--days: must be 0 or more, not {days}")
        deleted = self.purge(days=days)
        self.stdout.write(self.report.format(deleted=deleted, days=days))
