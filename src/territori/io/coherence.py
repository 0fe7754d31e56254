"""Coherence matrices as files: a square grid in CSV (for `territori coherence-metrics`).

Grid layout: the header row holds the column node codes (its first cell is free), the first
column the row node codes, the other cells scores from -3 to +3. The diagonal is ignored
(empty, 0 or anything else); an empty cell off the diagonal is a cell not scored (0).
Every problem is reported with its row (file line) and column (spreadsheet number and code).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from .errors import RowError

MIN_SCORE, MAX_SCORE = -3, 3


@dataclass(frozen=True, slots=True)
class Grid:
    codes: list[str]
    scores: np.ndarray  # float, NaN where not scored (diagonal included)


def _column_name(index: int) -> str:
    """Spreadsheet letters of a 0-based column: 0 → A, 26 → AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def parse_score(text: str) -> tuple[float | None, str]:
    """A score cell: (value or None when empty, error message or "")."""
    cleaned = text.strip().replace(",", ".").replace("\u2212", "-")
    if cleaned == "":
        return None, ""
    try:
        value = float(cleaned)
    except ValueError:
        return None, "not a number"
    if not np.isfinite(value) or not MIN_SCORE <= value <= MAX_SCORE:
        return None, "score outside -3..+3"
    if value != round(value):
        return None, "not a whole number on the scale -3..+3"
    return value, ""


def read_square_grid(data: bytes) -> tuple[Grid | None, list[RowError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [RowError(0, "file", "not UTF-8 text")]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if not rows:
        return None, [RowError(0, "file", "the file is empty")]
    header = [c.strip() for c in rows[0]]
    while header and header[-1] == "":
        header.pop()
    columns = header[1:]
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for j, code in enumerate(columns, start=1):
        where = f"column {_column_name(j)}"
        if not code:
            errors.append(RowError(1, where, "empty node code"))
        elif code in seen:
            errors.append(
                RowError(1, where, f"duplicate code (also column {_column_name(seen[code])})", code)
            )
        else:
            seen[code] = j
    body = rows[1:]
    if len(body) != len(columns):
        errors.append(
            RowError(
                0,
                "matrix",
                f"{len(body)} rows and {len(columns)} columns: a square matrix is needed",
            )
        )
        return None, errors
    codes: list[str] = []
    row_seen: dict[str, int] = {}
    for line, row in enumerate(body, start=2):
        code = row[0].strip() if row else ""
        if not code:
            errors.append(RowError(line, "column A", "empty node code"))
        elif code in row_seen:
            errors.append(
                RowError(line, "column A", f"duplicate code (also row {row_seen[code]})", code)
            )
        else:
            row_seen[code] = line
            if code not in seen:
                errors.append(RowError(line, "column A", "code not among the column codes", code))
        codes.append(code)
        cells = list(row[1:])
        while len(cells) > len(columns) and cells[-1].strip() == "":
            cells.pop()
        if len(cells) > len(columns):
            errors.append(RowError(line, "row", f"{len(cells)} scores for {len(columns)} columns"))
    if errors:
        return None, errors
    position = {code: j for j, code in enumerate(columns)}
    order = [position[c] for c in codes]  # row i ↔ column order[i]
    row_of = {code: i for i, code in enumerate(codes)}
    scores = np.full((len(codes), len(codes)), np.nan)
    for i, (line, row) in enumerate(zip(range(2, len(body) + 2), body, strict=True)):
        for j, cell in enumerate(row[1 : len(columns) + 1]):
            if j == order[i]:
                continue  # the diagonal is ignored
            value, problem = parse_score(cell)
            if problem:
                where = f"column {_column_name(j + 1)} ({columns[j]})"
                errors.append(RowError(line, where, f"{problem} (row {codes[i]})", cell.strip()))
            elif value is not None:
                scores[i, row_of[columns[j]]] = value
    if errors:
        return None, errors
    return Grid(codes=codes, scores=scores), []
