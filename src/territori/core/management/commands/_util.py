"""Shared helpers for the product's management commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
