"""Readers of the "wide" layouts statistics offices publish: one row per series, one column
per year.

- ISTAT wide tables, as in "Bes dei territori" (`DOMINIO, CODICE, INDICATORE, SESSO,
  TERRITORIO, UNITA_MISURA, FONTE, V_2004 … V_2019, NOTE`): decimal commas, an empty cell is a
  missing value, territories by name. Its metadata sheet (`Dominio, Indicatore, Tipo di
  indicatore, Definizione, Fonte`) describes each indicator, joined by name.
- Eurostat bulk TSV (`unit,sex,age,geo\\time` then one tab-separated column per year): values
  with flags `p` provisional, `e` estimated, `b` break in series; `:` is not available.

Both return the same `ReadResult` as the other observation readers; nothing touches the
database. Territories are returned as written (a name or a code) for the service to match.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from territori.io.text import fold

from .errors import RowError
from .observations import ReadResult, RecordBuilder, breakdown_key
from .tabular import Row, TableReadError, read_table

#: ISTAT's SESSO values → the breakdown of the observation (the total has none).
SEX_BREAKDOWN = {"totale": "", "maschi": "M", "femmine": "F", "total": "", "males": "M"}
YEAR_COLUMN = re.compile(r"^v_(\d{4})$")
ISTAT_WIDE_REQUIRED = ("codice", "territorio")
#: ISTAT's signs for a value that is missing: "...." not available, ".." too small to be
#: significant, "-" the phenomenon does not exist. They are missing values, not errors.
ISTAT_MISSING = {"....", "...", "..", "-", "—", ":"}


def is_istat_wide(head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
    return b"territorio" in first and b"v_20" in first


def is_istat_sdg(head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
    return b"cod_measure" in first and b"class" in first


def is_eurostat_tsv(head: bytes) -> bool:
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return b"\\time" in first and b"\t" in first


def _table(builder: RecordBuilder, data: bytes, filename: str) -> list[Row]:
    """The file's rows, or none with the reason recorded on the builder."""
    try:
        return read_table(data, filename)
    except TableReadError as exc:
        builder.result.errors.append(exc.error)
        return []


def read_istat_wide(data: bytes, filename: str, *, indicator: str | None = None) -> ReadResult:
    """ISTAT wide table → observations; `indicator` replaces a missing CODICE column."""
    builder = RecordBuilder("istat-wide", indicator)
    rows = _table(builder, data, filename)
    if not rows:
        return builder.result
    columns = list(rows[0].values)
    years = [(c, m.group(1)) for c in columns if (m := YEAR_COLUMN.match(c))]
    for required in ISTAT_WIDE_REQUIRED:
        if required not in columns and not (required == "codice" and indicator):
            builder.error(1, required.upper(), "required column is missing")
    if not years:
        builder.error(1, "V_YYYY", "no year columns (V_2004, V_2005, …)")
    if builder.result.errors:
        return builder.result
    for row in rows:
        sex_text = row.get("sesso")
        sex = SEX_BREAKDOWN.get(sex_text.lower()) if sex_text else ""
        if sex is None:
            builder.error(row.line, "SESSO", "unknown sex (Maschi, Femmine or Totale)", sex_text)
            continue
        for column, year in years:
            cell = row.get(column)
            if cell in ISTAT_MISSING:
                continue
            builder.add(
                row=row.line,
                indicator=row.get("codice"),
                territory=row.get("territorio"),
                year_text=year,
                value_text=cell,
                year_field=column.upper(),
                value_field=column.upper(),
                breakdown=breakdown_key([("sex", sex)]),
            )
    return builder.result


@dataclass(frozen=True, slots=True)
class IndicatorMeta:
    """What an ISTAT wide table and its metadata sheet say about one indicator."""

    code: str
    name: str
    unit: str
    domain: str
    source: str
    definition: str = ""
    kind: str = ""  # "Bes", "Proxy" or "Locale" in Bes dei territori


@dataclass
class IndicatorMetaResult:
    indicators: list[IndicatorMeta] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # the files cannot be read
    warnings: list[RowError] = field(default_factory=list)  # an indicator without metadata


def _meta_table(result: IndicatorMetaResult, data: bytes, filename: str) -> list[Row]:
    """The file's rows, or none with the reason recorded on the result."""
    try:
        return read_table(data, filename)
    except TableReadError as exc:
        result.errors.append(exc.error)
        return []


def istat_wide_indicators(
    data: bytes, filename: str, *, metadata: bytes | None = None, metadata_name: str = ""
) -> IndicatorMetaResult:
    """Indicators of an ISTAT wide table, with definitions from its metadata sheet.

    The metadata sheet names indicators rather than coding them and writes the domain only on
    the first row of each group; its rows are matched by name (case and accents folded).
    An indicator with no metadata row is returned without definition, with a warning.
    """
    result = IndicatorMetaResult()
    rows = _meta_table(result, data, filename)
    found: dict[str, IndicatorMeta] = {}
    for row in rows:
        code = row.get("codice")
        if code and code not in found:
            found[code] = IndicatorMeta(
                code=code,
                name=row.get("indicatore"),
                unit=row.get("unita_misura"),
                domain=row.get("dominio"),
                source=row.get("fonte"),
            )
    if not found:
        result.errors.append(RowError(1, "CODICE", "no indicator codes in the table"))
        return result
    if metadata is None:
        result.indicators = list(found.values())
        return result
    try:
        meta_rows = read_table(metadata, metadata_name or "metadata.csv")
    except TableReadError as exc:
        result.errors.append(exc.error)
        return result
    described: dict[str, tuple[str, str, str]] = {}
    for row in meta_rows:
        name = row.get("indicatore")
        if name:
            described[fold(name)] = (
                row.get("definizione"),
                row.get("tipo_di_indicatore*") or row.get("tipo_di_indicatore"),
                row.get("fonte"),
            )
    for meta in found.values():
        definition = described.get(fold(meta.name))
        if definition is None:
            result.warnings.append(
                RowError(0, "Indicatore", "no row in the metadata sheet", meta.name)
            )
            result.indicators.append(meta)
            continue
        text, kind, _source = definition
        result.indicators.append(
            IndicatorMeta(
                meta.code,
                meta.name,
                meta.unit,
                meta.domain,
                meta.source,
                " ".join(text.split()),
                kind,
            )
        )
    return result


SDG_YEAR_COLUMN = re.compile(r"^v?(\d{4})$")
#: A note marker after an ISTAT value: "4,9  (a)".
NOTE_MARK = re.compile(r"\s*\([a-z]\)\s*$")


def read_istat_sdg(data: bytes, filename: str, *, indicator: str | None = None) -> ReadResult:
    """ISTAT's "statistical measures" of the SDG information system: `GOAL, GLOBAL INDICATOR,
    COD_MEASURE, STATISTICAL MEASURE, SOURCE, SURVEY, UNIT, DIMENSION, CLASS, 2004 … 2021,
    V2022, NOTES`. Rows whose DIMENSION is "Territory" are read (CLASS is the territory's
    name); a measure listed under several SDG indicators repeats its values, and repeats that
    agree are read once. A note mark after a value ("4,9  (a)") is dropped."""
    builder = RecordBuilder("istat-sdg", indicator)
    rows = _table(builder, data, filename)
    if not rows:
        return builder.result
    columns = list(rows[0].values)
    years = [(c, m.group(1)) for c in columns if (m := SDG_YEAR_COLUMN.match(c))]
    for required in ("cod_measure", "class", "dimension"):
        if required not in columns:
            builder.error(1, required.upper(), "required column is missing")
    if not years:
        builder.error(1, "2004", "no year columns (2004, …, V2022)")
    if builder.result.errors:
        return builder.result
    seen: dict[tuple[str, str, str], tuple[str, int]] = {}
    for row in rows:
        if row.get("dimension").lower() != "territory":
            continue
        code, place = row.get("cod_measure"), row.get("class")
        for column, year in years:
            cell = NOTE_MARK.sub("", row.get(column))
            if cell in ISTAT_MISSING or cell in {"*", ""}:
                continue
            key = (code, place, year)
            if key in seen:
                if seen[key][0] != cell:
                    builder.error(
                        row.line,
                        column.upper(),
                        f"differs from row {seen[key][1]} ({seen[key][0]}) for the same measure, "
                        "territory and year",
                        cell,
                    )
                continue
            seen[key] = (cell, row.line)
            builder.add(
                row=row.line,
                indicator=code,
                territory=place,
                year_text=year,
                value_text=cell,
                year_field=column.upper(),
                value_field=column.upper(),
            )
    return builder.result


def istat_sdg_indicators(data: bytes, filename: str) -> IndicatorMetaResult:
    """The measures of an ISTAT SDG statistical-measures file (names and units in English, as
    the file gives them; the domain is the first SDG goal it is listed under)."""
    result = IndicatorMetaResult()
    rows = _meta_table(result, data, filename)
    found: dict[str, IndicatorMeta] = {}
    for row in rows:
        code = row.get("cod_measure")
        if code and code not in found:
            source = " — ".join(filter(None, [row.get("source"), row.get("survey")]))
            found[code] = IndicatorMeta(
                code=code,
                name=" ".join(row.get("statistical_measure").split()),
                unit=row.get("unit"),
                domain=row.get("goal"),
                source=source,
                definition=row.get("global_indicator"),
            )
    result.indicators = list(found.values())
    return result


def read_eurostat_tsv(data: bytes, filename: str, *, indicator: str | None = None) -> ReadResult:
    """Eurostat bulk TSV → observations; the indicator is `indicator` or the file's name."""
    name = indicator or re.sub(r"\.tsv(\.gz)?$", "", Path(filename).name, flags=re.IGNORECASE)
    builder = RecordBuilder("eurostat-tsv", name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        builder.error(0, "encoding", f"the file is not UTF-8 text (byte {exc.start})")
        return builder.result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader, None)
    if not header or "\\" not in header[0]:
        builder.error(1, "header", "not a Eurostat TSV (first cell like 'unit,geo\\time')")
        return builder.result
    dimensions = [d.strip().lower() for d in header[0].split("\\", 1)[0].split(",")]
    if "geo" not in dimensions:
        builder.error(1, "header", "no geo dimension in the first cell", header[0])
        return builder.result
    years = [cell.strip() for cell in header[1:]]
    parsed: list[tuple[int, dict[str, str], list[str]]] = []
    for record in reader:
        line = reader.line_num
        if not record or not any(cell.strip() for cell in record):
            continue
        codes = record[0].split(",")
        if len(codes) != len(dimensions):
            builder.error(
                line, "key", f"{len(codes)} codes for {len(dimensions)} dimensions", record[0]
            )
            continue
        if len(record) - 1 > len(years):
            builder.error(line, "columns", f"{len(record) - 1} values for {len(years)} years")
            continue
        parsed.append((line, dict(zip(dimensions, codes, strict=True)), record[1:]))
    varying = [d for d in dimensions if d != "geo" and len({k[d] for _, k, _ in parsed}) > 1]
    for line, keys, cells in parsed:
        breakdown = breakdown_key((d, keys[d]) for d in varying)
        for year, cell in zip(years, cells, strict=False):
            value, _, flags = cell.strip().partition(" ")
            if value == ":" or not value:
                continue  # not available (flags such as "z" or "c" say why)
            builder.add(
                row=line,
                indicator="",
                territory=keys["geo"],
                year_text=year,
                value_text=value,
                year_field=year,
                value_field=year,
                breakdown=breakdown,
                status=flags.strip(),
            )
    return builder.result


__all__ = [
    "IndicatorMeta",
    "IndicatorMetaResult",
    "TableReadError",
    "is_eurostat_tsv",
    "is_istat_sdg",
    "is_istat_wide",
    "istat_sdg_indicators",
    "istat_wide_indicators",
    "read_eurostat_tsv",
    "read_istat_sdg",
    "read_istat_wide",
]
