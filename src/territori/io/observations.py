"""Readers of indicator data: Open SDG tidy CSV / Excel, SDMX-CSV 1.0, SDMX-ML (generic and
structure-specific) and JSON-stat 2.0. Each returns observation records and every problem
found (row, field, reason); none touches the database.

Codes are returned as written in the file; the service maps them to indicators and
territories. Dimensions other than time and territory that take more than one value become
the observation's disaggregation ("sex=F|age=Y0-14"); single-valued ones are dropped.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import NO_ROWS, RowError
from .limits import number_parse, year_problem
from .tabular import Row, TableReadError, read_table

FORMATS = (
    "tidy",
    "sdmx-csv",
    "sdmx-ml",
    "json-stat",
    "istat-wide",
    "istat-sdg",
    "eurostat-tsv",
)
#: Territory dimensions in SDMX and JSON-stat files (ISTAT's old ITTER107, Eurostat's geo).
TERRITORY_DIMENSIONS = ("ref_area", "itter107", "geo", "geocode")
TIME_DIMENSIONS = ("time_period", "time", "year")
#: SDMX / Eurostat observation status codes → our flags.
STATUS_FLAGS = {"p": "provisional", "e": "estimated", "b": "break_in_series"}
#: The longest disaggregation key stored (Observation.breakdown).
BREAKDOWN_LENGTH = 200
IGNORED_TIDY = {"year", "value", "geocode", "indicator", "obs_status", "flags", "unit_measure"}


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    row: int
    indicator: str
    territory: str
    year: int
    value: float
    breakdown: str = ""
    provisional: bool = False
    estimated: bool = False
    break_in_series: bool = False


@dataclass
class ReadResult:
    file_format: str
    records: list[ObservationRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def detect_format(data: bytes, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if suffix == ".xml" or head.startswith(b"<"):
        return "sdmx-ml"
    if suffix == ".json" or head.startswith(b"{"):
        return "json-stat"
    if suffix in {".csv", ".txt"} and head.upper().startswith((b"DATAFLOW", b'"DATAFLOW')):
        return "sdmx-csv"
    from .wide import is_eurostat_tsv, is_istat_sdg, is_istat_wide

    if is_eurostat_tsv(head):
        return "eurostat-tsv"
    if suffix in {".csv", ".txt"} and is_istat_sdg(head):
        return "istat-sdg"
    if suffix in {".csv", ".txt"} and is_istat_wide(head):
        return "istat-wide"
    return "tidy"


def _number(text: str) -> tuple[float | None, str | None]:
    """A number written 1234.5, 1234,5, 1.234,5, 1,234.5 or 1.234.567 (never guessed from a
    single ambiguous separator: 13.315 is thirteen point three), within the shared limits;
    or the reason it is refused."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." in cleaned:
        thousands = "." if cleaned.rindex(",") > cleaned.rindex(".") else ","
        cleaned = cleaned.replace(thousands, "")
    elif cleaned.count(".") > 1 and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    return number_parse(cleaned.replace(",", "."))


def _year(text: str) -> int | None:
    match = re.fullmatch(r"\s*(\d{4})(?:-A1)?\s*", text)
    return int(match.group(1)) if match else None


def _flags(text: str) -> dict[str, bool]:
    text = text.strip().lower()  # "P", "e", "ep" (Eurostat) or "P, B"
    codes = set(text) if len(text) <= 3 else {c for c in re.split(r"[\s,;|]+", text) if c}
    return {flag: code in codes for code, flag in STATUS_FLAGS.items()}


def breakdown_key(parts: Iterable[tuple[str, str]]) -> str:
    return "|".join(f"{k}={v}" for k, v in sorted(parts) if v)


class RecordBuilder:
    """Collects records and errors with the shared checks on year, value and codes."""

    def __init__(self, file_format: str, indicator: str | None) -> None:
        self.result = ReadResult(file_format)
        self.indicator = (indicator or "").strip()

    def error(self, row: int, field_name: str, message: str, value: str = "") -> None:
        self.result.errors.append(RowError(row, field_name, message, value))

    def add(
        self,
        *,
        row: int,
        indicator: str,
        territory: str,
        year_text: str,
        value_text: str,
        year_field: str,
        value_field: str,
        breakdown: str = "",
        status: str = "",
    ) -> None:
        indicator = indicator.strip() or self.indicator
        ok = True
        if len(breakdown) > BREAKDOWN_LENGTH:
            self.error(
                row,
                "breakdown",
                f"the disaggregation is longer than {BREAKDOWN_LENGTH} characters",
                breakdown[:50],
            )
            ok = False
        if not indicator:
            self.error(row, "indicator", "no indicator code (add a column or choose the indicator)")
            ok = False
        if not territory.strip():
            self.error(row, "territory", "empty territory code")
            ok = False
        year = _year(year_text)
        if year is None:
            self.error(row, year_field, "not a year (YYYY; only annual data)", year_text)
            ok = False
        elif problem := year_problem(year):
            self.error(row, year_field, problem, year_text)
            ok = False
        if not value_text.strip():
            return  # an empty cell is a missing value, not an observation
        value, problem = _number(value_text)
        if problem:
            self.error(row, value_field, problem, value_text)
            ok = False
        if ok and year is not None and value is not None:
            self.result.records.append(
                ObservationRecord(
                    row, indicator, territory.strip(), year, value, breakdown, **_flags(status)
                )
            )


def read_tidy(data: bytes, filename: str, *, indicator: str | None = None) -> ReadResult:
    """Open SDG tidy data: Year first, Value last, GeoCode, other columns disaggregations."""
    if indicator is None:
        match = re.match(r"indicator_(.+)\.(csv|xlsx)$", Path(filename).name, re.IGNORECASE)
        indicator = match.group(1) if match else None
    builder = RecordBuilder("tidy", indicator)
    try:
        rows: list[Row] = read_table(data, filename)
    except TableReadError as exc:
        builder.result.errors.append(exc.error)
        return builder.result
    columns = list(rows[0].values) if rows else []
    for required in ("year", "value", "geocode"):
        if rows and required not in columns:
            builder.error(1, required, "required column is missing")
    if builder.result.errors:
        return builder.result
    extra = [c for c in columns if c and c not in IGNORED_TIDY]
    for row in rows:
        builder.add(
            row=row.line,
            indicator=row.get("indicator"),
            territory=row.get("geocode"),
            year_text=row.get("year"),
            value_text=row.get("value"),
            year_field="Year",
            value_field="Value",
            breakdown=breakdown_key((c, row.get(c)) for c in extra),
            status=row.get("obs_status") or row.get("flags"),
        )
    return builder.result


def _split_dimensions(
    names: list[str], values: list[dict[str, str]]
) -> tuple[str | None, list[str]]:
    territory = next((n for n in names if n.lower() in TERRITORY_DIMENSIONS), None)
    varying = [
        n
        for n in names
        if n != territory
        and n.lower() not in TIME_DIMENSIONS
        and n.lower() not in {"dataflow", "freq"}
        and len({v.get(n, "") for v in values}) > 1
    ]
    return territory, varying


def read_sdmx_csv(data: bytes, filename: str, *, indicator: str | None = None) -> ReadResult:
    builder = RecordBuilder("sdmx-csv", indicator)
    try:
        rows = read_table(data, filename if filename.lower().endswith(".csv") else "data.csv")
    except TableReadError as exc:
        builder.result.errors.append(exc.error)
        return builder.result
    if not rows:
        return builder.result
    columns = list(rows[0].values)
    for required in ("time_period", "obs_value"):
        if required not in columns:
            builder.error(1, required.upper(), "required column is missing")
    if builder.result.errors:
        return builder.result
    dimensions = columns[1 : columns.index("time_period")]
    territory, varying = _split_dimensions(dimensions, [r.values for r in rows])
    if territory is None:
        builder.error(1, "REF_AREA", "no territory dimension (REF_AREA, ITTER107 or GEO)")
        return builder.result
    for row in rows:
        builder.add(
            row=row.line,
            indicator=row.get("indicator"),
            territory=row.get(territory),
            year_text=row.get("time_period"),
            value_text=row.get("obs_value"),
            year_field="TIME_PERIOD",
            value_field="OBS_VALUE",
            breakdown=breakdown_key((n.upper(), row.get(n)) for n in varying),
            status=row.get("obs_status"),
        )
    return builder.result


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_sdmx_ml(data: bytes, filename: str, *, indicator: str | None = None) -> ReadResult:
    """SDMX-ML 2.1 data messages, generic or structure-specific; rows count observations."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    builder = RecordBuilder("sdmx-ml", indicator)
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        builder.error(0, "file", f"not a readable SDMX-ML document ({exc})")
        return builder.result
    kind = _local(root.tag)
    if kind not in {"GenericData", "StructureSpecificData"}:
        builder.error(0, "file", f"not an SDMX-ML data message (root element {kind})")
        return builder.result
    observations: list[tuple[dict[str, str], str, str, str]] = []
    for series in (e for e in root.iter() if _local(e.tag) == "Series"):
        if kind == "GenericData":
            key = {
                v.get("id", ""): v.get("value", "")
                for k in series
                if _local(k.tag) == "SeriesKey"
                for v in k
            }
            for obs in (o for o in series if _local(o.tag) == "Obs"):
                time = value = status = ""
                for part in obs:
                    name = _local(part.tag)
                    if name == "ObsDimension":
                        time = part.get("value", "")
                    elif name == "ObsValue":
                        value = part.get("value", "")
                    elif name == "Attributes":
                        for attribute in part:
                            if attribute.get("id") == "OBS_STATUS":
                                status = attribute.get("value", "")
                observations.append((key, time, value, status))
        else:
            key = dict(series.attrib)
            for obs in (o for o in series if _local(o.tag) == "Obs"):
                observations.append(
                    (
                        key,
                        obs.get("TIME_PERIOD", ""),
                        obs.get("OBS_VALUE", ""),
                        obs.get("OBS_STATUS", ""),
                    )
                )
    names = sorted({name for key, *_ in observations for name in key})
    territory, varying = _split_dimensions(names, [key for key, *_ in observations])
    if observations and territory is None:
        builder.error(0, "REF_AREA", "no territory dimension (REF_AREA, ITTER107 or GEO)")
        return builder.result
    for number, (key, time, value, status) in enumerate(observations, start=1):
        builder.add(
            row=number,
            indicator=key.get("INDICATOR", ""),
            territory=key.get(territory or "", ""),
            year_text=time,
            value_text=value,
            year_field="TIME_PERIOD",
            value_field="OBS_VALUE",
            breakdown=breakdown_key((n, key.get(n, "")) for n in varying),
            status=status,
        )
    return builder.result


def _category_codes(dimension: Any, size: int) -> list[str]:
    """The category codes of a dimension in position order; ValueError when the index is
    not a list or a mapping of distinct positions 0..size-1."""
    category = dimension.get("category", {}) if isinstance(dimension, dict) else None
    if not isinstance(category, dict):
        raise ValueError("a dimension has no category")
    index = category.get("index")
    if isinstance(index, list):
        codes = [str(code) for code in index]
    elif isinstance(index, dict):
        codes = [""] * len(index)
        for code, position in index.items():
            if not isinstance(position, int) or not 0 <= position < len(index):
                raise ValueError(f"category {code!r} has position {position!r}")
            codes[position] = str(code)
        if len(set(index.values())) < len(index):
            raise ValueError("two categories share a position")
    else:
        labels = category.get("label", {})
        if size == 1 and isinstance(labels, dict) and len(labels) == 1:
            return [str(next(iter(labels)))]
        raise ValueError("a dimension has no category index")
    if len(codes) != size:
        raise ValueError(f"a dimension lists {len(codes)} categories for size {size}")
    return codes


def _json_load(data: bytes) -> tuple[Any, str | None]:
    """A JSON document, or why it cannot be read (broken, not UTF-8, nested too deep, or
    holding NUL characters, which no code or label can contain)."""
    if b"\x00" in data or b"\\u0000" in data:
        return None, "a NUL character (0x00 or \\u0000) in the document"
    try:
        return json.load(io.BytesIO(data)), None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return None, f"not readable JSON ({exc})"
    except RecursionError:
        return None, "the JSON is nested too deeply"


def read_json_stat(data: bytes, filename: str, *, indicator: str | None = None) -> ReadResult:
    """JSON-stat 2.0 dataset (as Eurostat serves it); rows are positions in the value array."""
    builder = RecordBuilder("json-stat", indicator)
    document, problem = _json_load(data)
    if problem:
        builder.error(0, "file", problem)
        return builder.result
    if not isinstance(document, dict) or document.get("class", "dataset") != "dataset":
        builder.error(0, "class", "not a JSON-stat 2.0 dataset")
        return builder.result
    try:
        ids: list[str] = [str(name) for name in document["id"]]
        sizes: list[int] = [int(s) for s in document["size"]]
        if len(ids) != len(sizes) or any(size < 1 for size in sizes):
            raise ValueError(f"{len(ids)} dimensions for sizes {sizes[:10]}")
        dimensions = document["dimension"]
        codes = [
            _category_codes(dimensions[name], size) for name, size in zip(ids, sizes, strict=True)
        ]
    except (KeyError, TypeError, ValueError) as exc:
        builder.error(0, "dimension", f"incomplete or inconsistent dataset structure ({exc})")
        return builder.result
    role = document.get("role", {})
    role = role if isinstance(role, dict) else {}
    geo = next(iter(role.get("geo") or []), None) or next(
        (n for n in ids if n.lower() in TERRITORY_DIMENSIONS), None
    )
    time = next(iter(role.get("time") or []), None) or next(
        (n for n in ids if n.lower() in TIME_DIMENSIONS), None
    )
    if geo not in ids or time not in ids:
        builder.error(0, "dimension", "needs a geo and a time dimension")
        return builder.result
    values = document.get("value", [])
    if not isinstance(values, list | dict):
        builder.error(0, "value", "the values are neither a list nor a mapping")
        return builder.result
    statuses = document.get("status", {})
    total = math.prod(sizes)
    if isinstance(values, list) and len(values) > total:
        builder.error(0, "value", f"{len(values)} values for a dataset of size {total}")
        return builder.result
    cells = values.items() if isinstance(values, dict) else enumerate(values)
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(sizes))]
    varying = [i for i, n in enumerate(ids) if n not in (geo, time) and sizes[i] > 1]
    g, t = ids.index(geo), ids.index(time)
    for position_raw, value in cells:
        try:
            position = int(position_raw)
        except ValueError:
            builder.error(0, "value", "a value's key is not a position", str(position_raw)[:50])
            continue
        if value is None:
            continue
        if not 0 <= position < total:
            builder.error(position + 1, "value", "position outside the dataset's size")
            continue
        picks = [(position // strides[i]) % sizes[i] for i in range(len(sizes))]
        status = (
            statuses
            if isinstance(statuses, str)
            else statuses.get(str(position), "")
            if isinstance(statuses, dict)
            else (
                statuses[position]
                if isinstance(statuses, list) and position < len(statuses)
                else ""
            )
            or ""
        )
        builder.add(
            row=position + 1,
            indicator="",
            territory=codes[g][picks[g]],
            year_text=codes[t][picks[t]],
            value_text=str(value) if isinstance(value, int | float | str) else "?",
            year_field=time,
            value_field="value",
            breakdown=breakdown_key((ids[i], codes[i][picks[i]]) for i in varying),
            status=str(status),
        )
    return builder.result


READERS = {
    "tidy": read_tidy,
    "sdmx-csv": read_sdmx_csv,
    "sdmx-ml": read_sdmx_ml,
    "json-stat": read_json_stat,
}


def read_observations(
    data: bytes, filename: str, *, file_format: str | None = None, indicator: str | None = None
) -> ReadResult:
    from .wide import read_eurostat_tsv, read_istat_sdg, read_istat_wide

    readers = {
        **READERS,
        "istat-wide": read_istat_wide,
        "istat-sdg": read_istat_sdg,
        "eurostat-tsv": read_eurostat_tsv,
    }
    chosen = file_format or detect_format(data, filename)
    if chosen not in readers:
        result = ReadResult(chosen)
        result.errors.append(RowError(0, "format", f"unknown format '{chosen}': use {FORMATS}"))
        return result
    result = readers[chosen](data, filename, indicator=indicator)
    if not result.records and not result.errors:
        result.errors.append(RowError(0, "file", f"{NO_ROWS}, or only empty values"))
    return result


def tidy_template(*, example_territory: str = "IT") -> bytes:
    """The Excel template of the tidy layout (a data sheet and an instructions sheet); the
    example rows name `example_territory` (the site's own metropolitan city)."""
    from .tabular import write_xlsx

    return write_xlsx(
        {
            "dati": [
                ["Year", "Indicator", "Sex", "GeoCode", "OBS_STATUS", "Value"],
                [2023, "CODICE_INDICATORE", "", example_territory, "", 12.5],
                [2023, "CODICE_INDICATORE", "F", example_territory, "P", 12.9],
            ],
            "istruzioni": [
                ["Colonna / Column", "Contenuto / Content"],
                ["Year", "Anno (AAAA) / Year (YYYY)"],
                ["Indicator", "Codice dell'indicatore / Indicator code"],
                ["GeoCode", "Codice ISTAT del territorio (001272, 201, 01, IT) o NUTS (ITC11)"],
                ["OBS_STATUS", "P provvisorio, E stimato, B interruzione di serie (facoltativo)"],
                ["Value", "Valore; vuoto = dato mancante / Value; empty = missing"],
                ["altre / other", "Disaggregazioni (vuoto = totale) / Disaggregations"],
            ],
        }
    )
