"""Shared helpers for the product's management commands."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from territori.io.errors import InputValidationError


def read_input_file(path: str) -> bytes:
    file = Path(path)
    if not file.exists():
        raise CommandError(f"{path}: no such file")
    if not file.is_file():
        raise CommandError(f"{path}: not a file")
    return file.read_bytes()


def validation_error(path: str, error: InputValidationError) -> CommandError:
    lines = [f"{path}: {len(error.errors)} problem(s), nothing was written:"]
    lines += [f"  - {item}" for item in error.errors]
    return CommandError("\n".join(lines))
