"""Validation problems found in an input, each naming where, which field and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: `row` is the file's line (CSV, YAML) or sheet row (Excel), 0 for the file."""

    row: int
    field: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        value = f" (value: {self.value!r})" if self.value else ""
        return f"{where}, field '{self.field}': {self.message}{value}"


class InputValidationError(Exception):
    """Raised by a service when its input is invalid; nothing has been written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))
