"""Reading tabular files (CSV with , or ; and Excel .xlsx) into numbered rows of text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RowError
from .limits import ROWS_LIMIT

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}
#: A workbook is refused before it is opened when its parts would expand beyond this many
#: bytes, or when one part expands more than XLSX_RATIO times (a "zip bomb").
XLSX_EXPANDED_LIMIT = 400 * 1024 * 1024
XLSX_RATIO = 200


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, field: str) -> str:
        return self.values.get(field, "").strip()


class TableReadError(Exception):
    def __init__(self, error: RowError) -> None:
        self.error = error
        super().__init__(str(error))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")


def read_csv(data: bytes, *, rows_limit: int = ROWS_LIMIT) -> Iterator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableReadError(
            RowError(0, "encoding", f"the file is not UTF-8 text (byte {exc.start})")
        ) from exc
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TableReadError(
            RowError(line, "file", "a NUL character (0x00): not a text file, or a damaged one")
        )
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    count = 0
    for record in reader:
        line = reader.line_num
        if header is None:
            header = [_normalise_header(cell) for cell in record]
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(header):
            extra = [cell for cell in record[len(header) :] if cell.strip()]
            if extra:
                raise TableReadError(
                    RowError(line, "columns", f"{len(record)} values for {len(header)} columns")
                )
        count += 1
        _rows_check(count, rows_limit)
        values = {name: (record[i] if i < len(record) else "") for i, name in enumerate(header)}
        yield Row(line, values)
    if header is None:
        raise TableReadError(RowError(0, "header", "the file is empty"))


def xlsx_check(data: bytes) -> None:
    """Refuse a file that is not a zip archive, or whose declared contents would expand
    beyond the limits, before any part of it is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableReadError(
            RowError(0, "file", "not an Excel workbook (.xlsx files are zip archives)")
        ) from exc
    expanded = sum(part.file_size for part in parts)
    if expanded > XLSX_EXPANDED_LIMIT:
        raise TableReadError(
            RowError(
                0,
                "file",
                f"the workbook would expand to {expanded / 1024**2:,.0f} MB "
                f"(at most {XLSX_EXPANDED_LIMIT // 1024**2} MB)",
            )
        )
    for part in parts:
        if part.file_size > 1024**2 and part.file_size > XLSX_RATIO * max(part.compress_size, 1):
            raise TableReadError(
                RowError(
                    0,
                    "file",
                    f"the workbook's part {part.filename[:80]} expands "
                    f"{part.file_size // max(part.compress_size, 1):,} times "
                    f"(at most {XLSX_RATIO}): refused as a possible zip bomb",
                )
            )


def _rows_check(count: int, limit: int) -> None:
    if count > limit:
        raise TableReadError(
            RowError(
                0,
                "file",
                f"more than {limit:,} data rows: split the file (the limit bounds the time "
                "and memory of one import)",
            )
        )


def read_xlsx(
    data: bytes, sheet: str | None = None, *, rows_limit: int = ROWS_LIMIT
) -> Iterator[Row]:
    from openpyxl import load_workbook

    xlsx_check(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableReadError(RowError(0, "file", f"not a readable Excel workbook ({exc})")) from exc
    if sheet is not None and sheet not in workbook.sheetnames:
        raise TableReadError(RowError(0, "sheet", f"no sheet named '{sheet}'"))
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    header: list[str] | None = None
    count = 0
    for index, record in enumerate(worksheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in record]
        if header is None:
            header = [_normalise_header(cell) for cell in cells]
            continue
        if not any(cells):
            continue
        count += 1
        _rows_check(count, rows_limit)
        yield Row(
            index,
            {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header) if name},
        )
    workbook.close()
    if header is None:
        raise TableReadError(RowError(0, "header", "the sheet is empty"))


def xlsx_sheet_names(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    xlsx_check(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TableReadError(RowError(0, "file", f"not a readable Excel workbook ({exc})")) from exc
    names = list(workbook.sheetnames)
    workbook.close()
    return names


def read_table(data: bytes, filename: str, *, rows_limit: int = ROWS_LIMIT) -> list[Row]:
    """Rows of a CSV or Excel file, chosen by the file name's suffix; TableReadError beyond
    `rows_limit` data rows."""
    suffix = Path(filename).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return list(read_xlsx(data, rows_limit=rows_limit))
    if suffix in CSV_SUFFIXES:
        return list(read_csv(data, rows_limit=rows_limit))
    raise TableReadError(
        RowError(0, "file", f"unsupported file type '{suffix or filename}': use .csv or .xlsx")
    )


def require_columns(
    rows: list[Row], required: list[str], present: set[str] | None = None
) -> list[RowError]:
    """Errors for required columns missing from the header."""
    columns = present if present is not None else (set(rows[0].values) if rows else set())
    return [
        RowError(1, name, "required column is missing") for name in required if name not in columns
    ]


#: A spreadsheet reads a CSV cell starting with one of these as a formula (or a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs: text starting like a formula gets a leading
    apostrophe (OWASP's advice); numbers, and text that is only a number, are left alone."""
    if value is None:
        return ""
    formula = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    if formula and not _PLAIN_NUMBER.fullmatch(str(value)):
        return "'" + str(value)
    return value


def xlsx_cells(sheet: Any, row: Iterable[object]) -> list[object]:
    """A row for `sheet.append` in which text starting with "=" stays text: openpyxl would
    otherwise store it as a live formula."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[object] = []
    for value in row:
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def write_xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with one sheet per entry; the first row of each is its header (bold)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    if workbook.active is not None:
        workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(title=name)
        for row in rows:
            worksheet.append(xlsx_cells(worksheet, row))
        for cell in worksheet[1] if rows else []:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")
