"""Validation problems found in an input, each naming where, which field and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: The one answer to a file with a header and nothing under it, whatever the importer.
NO_ROWS = "no data rows (the file has only a header)"


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


def errors_sample(errors: Sequence[RowError], *, per_kind: int, cap: int) -> list[RowError]:
    """The first `per_kind` problems of each kind (field and reason), at most `cap` in all,
    in file order: what is kept and shown of a long list."""
    seen: dict[tuple[str, str], int] = {}
    sample: list[RowError] = []
    for error in errors:
        kind = (error.field, error.message)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= per_kind:
            sample.append(error)
            if len(sample) >= cap:
                break
    return sample


def errors_summarise(errors: Sequence[RowError], *, per_kind: int) -> list[str]:
    """Lines describing `errors`: the first `per_kind` of each kind (field and reason) in
    file order, then how many more of each kind were left out, so a file with 200,000 bad
    rows gives a readable answer."""
    shown: list[str] = []
    hidden: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str], int] = {}
    for error in errors:
        kind = (error.field, error.message)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= per_kind:
            shown.append(str(error))
        else:
            hidden[kind] = hidden.get(kind, 0) + 1
    for (field_name, message), count in hidden.items():
        shown.append(f"… and {count:,} more in field '{field_name}': {message}")
    return shown


class InputValidationError(Exception):
    """Raised by a service when its input is invalid; nothing has been written."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))
