"""Shared helpers for the product's management commands."""

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


def refresh_report(command: BaseCommand, batch_id: int) -> None:
    """Say how the recomputation that an import queued went; a failure is a failed command
    (exit 1), since the stored results no longer follow the observations."""
    from territori.indicators.models import ImportBatch, RefreshState

    batch = ImportBatch.objects.only("refresh_state", "refresh_error").get(pk=batch_id)
    if batch.refresh_state == RefreshState.FAILED:
        raise CommandError(
            f"batch #{batch_id}: the observations were written, but recomputing aggregates and "
            f"results failed ({batch.refresh_error}); the results stored before are unchanged. "
            "Fix the cause and run `territori refresh-indicators`."
        )
    if batch.refresh_state == RefreshState.PENDING:
        command.stdout.write("  recomputation of aggregates and results queued (territori worker)")


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
