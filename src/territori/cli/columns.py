"""Observation files read and results written column by column (pyarrow), for the command
line on millions of rows.

A file is read once into arrow columns; codes are dictionary-encoded; years and values stay
numeric. When the fast, typed read fails (a decimal comma, a stray word) the file is read
again as text to find the first bad cell and name its row and column. Output tables are
built from arrays and written by arrow (CSV, Parquet) or pandas' JSON writer.
"""

from __future__ import annotations

import io
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

INPUT_COLUMNS = ("indicator", "territory", "year", "value")
#: Text a spreadsheet runs (io.tabular.FORMULA_STARTS), unless it is only a number.
FORMULA_PATTERN = "^[=+\\-@\t\r]"
NUMBER_PATTERN = r"^[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?$"
#: Columns that tell an indicator's series apart (Open SDG's SERIES, Territori's breakdown).
SERIES_COLUMNS = ("series", "breakdown")


class InputError(Exception):
    """A problem in an input file: names the file, the row (file line) and the column."""

    def __init__(self, path: str, message: str, row: int | None = None, column: str = "") -> None:
        where = [Path(path).name]
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Codes:
    """A text column as integer codes into its distinct values (in order of appearance)."""

    codes: np.ndarray  # int32, one per row
    names: np.ndarray  # object array of the distinct strings


@dataclass(frozen=True)
class Observations:
    """An observation file, column-wise; `series` holds one Codes per series column found."""

    indicator: Codes
    territory: Codes
    series: dict[str, Codes]
    year: np.ndarray  # int64
    value: np.ndarray  # float64, NaN = missing

    @property
    def rows(self) -> int:
        return int(self.year.shape[0])


def _delimiter(head: bytes) -> str:
    line = head.split(b"\n", 1)[0]
    counts = {d: line.count(d.encode()) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _header(path: Path) -> tuple[list[str], str]:
    with path.open("rb") as handle:
        head = handle.read(65536)
    delimiter = _delimiter(head)
    first = head.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").strip("\r")
    return [name.strip().strip('"') for name in first.split(delimiter)], delimiter


def _normalise(name: str) -> str:
    return str(name).strip().lstrip("\ufeff").lower()


#: Text columns read as dictionaries: the codes, never a string per row.
KEY_COLUMNS = ("indicator", "territory", *SERIES_COLUMNS)
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


class _TypedReadFailed(Exception):
    """The typed CSV read met a cell that is not a number: read as text to say which."""


def read_table(path: str, *, typed: bool = True) -> pa.Table:
    """A CSV or Parquet file as an arrow table with lower-case column names; codes as
    dictionaries; CSV years and values typed (empty = null) unless `typed` is false."""
    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    parquet = file.suffix.lower() in {".parquet", ".pq"}
    try:
        if parquet:
            names = pq.read_schema(file).names
            keys = [name for name in names if _normalise(name) in KEY_COLUMNS]
            table = pq.read_table(file, read_dictionary=keys)
        else:
            names, delimiter = _header(file)
            types: dict[str, pa.DataType] = {}
            for name in names:
                key = _normalise(name)
                if key in KEY_COLUMNS:
                    types[name] = _DICTIONARY
                elif typed and key == "year":
                    types[name] = pa.int64()
                elif typed and key == "value":
                    types[name] = pa.float64()
                else:
                    types[name] = pa.string()
            table = pacsv.read_csv(
                file,
                read_options=pacsv.ReadOptions(block_size=1 << 24),
                parse_options=pacsv.ParseOptions(delimiter=delimiter),
                convert_options=pacsv.ConvertOptions(
                    column_types=types,
                    null_values=[""],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        if typed and not parquet:
            raise _TypedReadFailed(str(exc)) from exc
        raise InputError(path, f"not a readable CSV or Parquet file ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a readable CSV or Parquet file ({exc})") from exc
    return table.rename_columns([_normalise(name) for name in table.column_names])


def _require(table: pa.Table, path: str, required: tuple[str, ...]) -> None:
    for name in required:
        if name not in table.column_names:
            raise InputError(path, "required column is missing", 1, name)


def _first(mask: np.ndarray) -> int:
    return int(np.argmax(mask))


def _text_numbers(column: pa.ChunkedArray, path: str, name: str, *, integer: bool) -> np.ndarray:
    """Text cells to numbers (a decimal comma accepted), naming the first bad cell."""
    text = pc.utf8_trim_whitespace(column.cast(pa.string()))
    blank = pc.fill_null(pc.equal(text, ""), True)
    empty = np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)
    dotted = pc.replace_substring(pc.fill_null(text, ""), ",", ".")
    try:
        cast = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), dotted), pa.float64())
        numbers = np.asarray(cast.to_numpy(zero_copy_only=False), dtype=np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        numbers = np.array(
            [
                math.nan if gap else _parse(cell)
                for cell, gap in zip(dotted.to_pylist(), empty, strict=True)
            ],
            dtype=np.float64,
        )
    return _checked(numbers, empty, text, path, name, integer=integer)


def _parse(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        return math.nan


def _checked(
    numbers: np.ndarray,
    empty: np.ndarray,
    text: pa.ChunkedArray | None,
    path: str,
    name: str,
    *,
    integer: bool,
) -> np.ndarray:
    bad = ~empty & ~np.isfinite(numbers)
    if integer:
        bad |= empty | (np.isfinite(numbers) & (numbers != np.round(numbers)))
    if bad.any():
        position = _first(bad)
        shown = text[position].as_py() if text is not None else numbers[position]
        if shown is None or (isinstance(shown, float) and math.isnan(shown)):
            shown = ""
        kind = "a whole number (year)" if integer else "a number"
        raise InputError(path, f"not {kind}: {shown!r}", position + 2, name)
    return numbers


def _numeric(column: pa.ChunkedArray, path: str, name: str, *, integer: bool) -> np.ndarray:
    """A numeric column as float64 (int64 for years) with NaN for nulls (a Parquet NaN is a
    null too)."""
    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return _text_numbers(column, path, name, integer=integer)
    if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
        raise InputError(path, f"not numbers (the column holds {column.type})", 2, name)
    if integer and pa.types.is_integer(column.type) and column.null_count == 0:
        return np.asarray(column.to_numpy(), dtype=np.int64)
    numbers = np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    empty = np.isnan(numbers)
    return _checked(numbers, empty, None, path, name, integer=integer)


def _codes(column: pa.ChunkedArray, path: str, name: str, *, blank_ok: bool = False) -> Codes:
    """A key column as codes: the dictionary's values trimmed (so "A " and "A" are one code),
    a null read as empty, numbered in order of appearance."""
    if not pa.types.is_dictionary(column.type):
        column = column.cast(pa.string()).dictionary_encode()
    column = column.unify_dictionaries()
    chunks = [chunk for chunk in column.chunks if len(chunk)]
    if not chunks:
        return Codes(codes=np.empty(0, dtype=np.int32), names=np.empty(0, dtype=object))
    dictionary = chunks[0].dictionary.to_pylist()
    null_code = len(dictionary)
    indices = np.concatenate(
        [
            np.asarray(
                (
                    chunk.indices.fill_null(null_code) if chunk.null_count else chunk.indices
                ).to_numpy(),
                dtype=np.int64,
            )
            for chunk in chunks
        ]
    )
    trimmed = [str(value).strip() if value is not None else "" for value in dictionary] + [""]
    names: dict[str, int] = {}
    mapping = np.array([names.setdefault(value, len(names)) for value in trimmed], dtype=np.int64)
    identity = len(names) == len(trimmed) and bool((mapping == np.arange(len(mapping))).all())
    codes = indices if identity else mapping[indices]
    # keep the names in use (the dictionary's order: the order of appearance), renumbered
    used = np.zeros(len(names), dtype=bool)
    used[codes] = True
    values = np.asarray(list(names), dtype=object)[used]
    if not used.all():
        codes = (np.cumsum(used) - 1)[codes]
    codes = codes.astype(np.int32)  # half the memory of int64 on millions of rows
    if not blank_ok:
        blank_codes = np.flatnonzero(values == "")
        if blank_codes.size:
            position = _first(np.isin(codes, blank_codes))
            raise InputError(path, "empty value", position + 2, name)
    return Codes(codes=codes, names=values)


def read_observations(path: str) -> Observations:
    """The observations of a CSV or Parquet file (indicator, territory, year, value and any
    series columns), column-wise; an empty value is missing."""
    try:
        table = read_table(path)
    except _TypedReadFailed:
        table = read_table(path, typed=False)
    _require(table, path, INPUT_COLUMNS)
    indicator = _codes(table.column("indicator"), path, "indicator")
    territory = _codes(table.column("territory"), path, "territory")
    series = {
        name: _codes(table.column(name), path, name, blank_ok=True)
        for name in SERIES_COLUMNS
        if name in table.column_names
    }
    year = _numeric(table.column("year"), path, "year", integer=True).astype(np.int64)
    value = _numeric(table.column("value"), path, "value", integer=False)
    del table
    return Observations(
        indicator=indicator, territory=territory, series=series, year=year, value=value
    )


def series_ids(data: Observations) -> tuple[np.ndarray, np.ndarray]:
    """Each row's series number (indicator × series columns × territory, numbered in the
    order indicator, series, territory) and each series' first row."""
    parts = [data.indicator, *data.series.values(), data.territory]
    combined = np.zeros(data.rows, dtype=np.int64)
    size = 1
    for part in parts:
        width = max(len(part.names), 1)
        if size * width >= 2**62:  # too many combinations for one number: renumber first
            _unique, combined = np.unique(combined, return_inverse=True)
            size = int(combined.max()) + 1 if combined.size else 1
        combined = combined * width + part.codes
        size *= width
    if size <= max(4 * data.rows, 1 << 20):  # dense: a lookup table, no sort
        present = np.zeros(size, dtype=bool)
        present[combined] = True
        number = np.cumsum(present) - 1
        ids = number[combined]
        del combined, present, number
        firsts = np.full(int(ids.max()) + 1 if ids.size else 0, -1, dtype=np.int64)
        firsts[ids[::-1]] = np.arange(data.rows - 1, -1, -1)
        return ids, firsts
    _unique, first, ids = np.unique(combined, return_index=True, return_inverse=True)
    return ids.astype(np.int64), first.astype(np.int64)


def indexed(data: Observations, path: str) -> tuple[np.ndarray, np.ndarray]:
    """`series_ids`, refusing a series with two values for one year (naming both rows)."""
    ids, firsts = series_ids(data)
    if data.rows == 0:
        return ids, firsts
    first_year = int(data.year.min())
    span = int(data.year.max()) - first_year + 1
    flat = ids * span + (data.year - first_year)
    counts = np.bincount(flat, minlength=len(firsts) * span)
    if counts.max(initial=0) <= 1:
        return ids, firsts
    rows = np.flatnonzero(counts[flat] > 1)
    same = rows[flat[rows] == flat[rows[0]]]
    first = int(same[0])
    names = ", ".join(
        [
            str(data.indicator.names[data.indicator.codes[first]]),
            *(
                str(c.names[c.codes[first]])
                for c in data.series.values()
                if c.names[c.codes[first]]
            ),
            str(data.territory.names[data.territory.codes[first]]),
            str(int(data.year[first])),
        ]
    )
    also = ", ".join(str(int(r) + 2) for r in same[1:5])
    raise InputError(
        path,
        f"duplicate indicator × territory × year ({names}) also on row(s) {also}",
        first + 2,
        "year",
    )


# ---------------------------------------------------------------------------------- output


def _arrow(values: np.ndarray) -> pa.Array:
    """A column for output: floats with NaN/inf as null, integer-valued columns as integers
    where marked by the caller, text as text."""
    if values.dtype.kind == "f":
        finite = np.isfinite(values)
        return pa.array(np.where(finite, values, 0.0), mask=~finite, type=pa.float64())
    if values.dtype.kind in "iu":
        return pa.array(values, type=pa.int64())
    return pa.array(values.astype(object), type=pa.string())


def whole_years(values: np.ndarray) -> pa.Array:
    finite = np.isfinite(values)
    return pa.array(np.where(finite, values, 0).astype(np.int64), mask=~finite, type=pa.int64())


def output_table(columns: dict[str, np.ndarray | pa.Array]) -> pa.Table:
    return pa.table(
        {
            name: column if isinstance(column, pa.Array) else _arrow(np.asarray(column))
            for name, column in columns.items()
        }
    )


def write_table(table: pa.Table, output_format: str, target: str | None = None) -> None:
    """CSV, JSON (a list of objects, null where not defined) or Parquet, to a file or to
    standard output; never a spreadsheet formula (plain CSV text, no cell types)."""
    if output_format == "parquet":
        if target is None:
            buffer = io.BytesIO()
            pq.write_table(table, buffer)
            sys.stdout.buffer.write(buffer.getvalue())
        else:
            pq.write_table(table, target)
        return
    if target is None:
        sys.stdout.flush()
        _write_text(table, output_format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with Path(target).open("wb") as stream:
        _write_text(table, output_format, stream)


def _write_text(table: pa.Table, output_format: str, stream: IO[bytes]) -> None:
    if output_format == "csv":
        table = _formulas_as_text(table)
        pacsv.write_csv(
            table,
            stream,
            write_options=pacsv.WriteOptions(
                quoting_style="needed" if _needs_quotes(table) else "none",
                quoting_header="none",
                batch_size=65536,
            ),
        )
    else:
        _write_json(table, stream)


def _texts(column: pa.ChunkedArray) -> pa.Array | None:
    """The text a column holds: its dictionary for a dictionary column (one string per
    distinct value), the strings themselves for a text column, None otherwise."""
    if pa.types.is_dictionary(column.type):
        combined = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        return combined.dictionary
    if pa.types.is_string(column.type):
        return column.combine_chunks()
    return None


def _needs_quotes(table: pa.Table) -> bool:
    """Arrow quotes every text cell when asked to quote "where needed": quote only when a
    cell holds a delimiter, a quote or a line break, so that plain output stays plain."""
    for name in table.column_names:
        texts = _texts(table.column(name))
        if (
            texts is not None
            and len(texts)
            and pc.any(pc.match_substring_regex(texts, r'[,"\r\n]')).as_py()
        ):
            return True
    return False


def _defused(texts: pa.Array) -> pa.Array | None:
    """Text that a spreadsheet would run as a formula with a leading apostrophe (as every
    export of the site: io.tabular.csv_cell); None when there is none."""
    risky = pc.and_(
        pc.fill_null(pc.match_substring_regex(texts, FORMULA_PATTERN), False),
        pc.invert(pc.fill_null(pc.match_substring_regex(texts, NUMBER_PATTERN), False)),
    )
    if not pc.any(risky).as_py():
        return None
    result: pa.Array = pc.if_else(risky, pc.binary_join_element_wise("'", texts, ""), texts)
    return result


def _formulas_as_text(table: pa.Table) -> pa.Table:
    for position, name in enumerate(table.column_names):
        column = table.column(name)
        texts = _texts(column)
        if texts is None or not len(texts):
            continue
        safe = _defused(texts)
        if safe is None:
            continue
        if pa.types.is_dictionary(column.type):
            combined = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
            replaced: pa.Array = pa.DictionaryArray.from_arrays(combined.indices, safe)
        else:
            replaced = safe
        table = table.set_column(position, name, replaced)
    return table


def _write_json(table: pa.Table, stream: IO[bytes]) -> None:
    """A JSON list of objects, written in batches of rows (pandas' C writer)."""
    stream.write(b"[")
    first = True
    for batch in table.to_batches(max_chunksize=200_000):
        if batch.num_rows == 0:
            continue
        frame = batch.to_pandas(integer_object_nulls=True)
        text = frame.to_json(orient="records", double_precision=15, force_ascii=False)
        body = text[1:-1]
        if body:
            stream.write((b"" if first else b",\n") + body.encode())
            first = False
    stream.write(b"]\n")
