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
from typing import Any, Protocol

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
#: Territory dimensions in SDMX and JSON-stat files, by the names statistics offices use
#: (SDMX's REF_AREA, Eurostat's geo, ISTAT's ITTER107 and TERRITORIO, OECD's COUNTRY...).
TERRITORY_DIMENSIONS = (
    "ref_area",
    "geo",
    "itter107",
    "territorio",
    "country",
    "geocode",
    "geo_area",
    "area",
)
TIME_DIMENSIONS = ("time_period", "time", "year", "tempo", "anno", "period")
#: How sub-annual values become yearly ones (never silently: the importer chooses).
AGGREGATIONS = ("mean", "sum", "last", "rule")
#: Periods in a year, by SDMX frequency code.
PERIODS_IN_YEAR = {"M": 12, "Q": 4, "S": 2, "W": 52, "D": 365}
PERIOD_WORDS = {
    "M": "monthly",
    "Q": "quarterly",
    "S": "half-yearly",
    "W": "weekly",
    "D": "daily",
}
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


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file beyond its format: the dimensions that hold the territory and the
    time when the file does not say (SDMX, JSON-stat), and how to make years of monthly,
    quarterly... values (`aggregate`: mean, sum, last, or `rule`: each indicator's own,
    given in `rules` as indicator code → "sum" or "mean"). Without `aggregate`, sub-annual
    values are refused."""

    area_dimension: str = ""
    time_dimension: str = ""
    aggregate: str = ""
    rules: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SubAnnual:
    """A value of a month, quarter, half-year, week or day, waiting to be made yearly."""

    row: int
    indicator: str
    territory: str
    breakdown: str
    year: int
    kind: str
    index: int
    value: float
    flags: dict[str, bool]


@dataclass
class ReadResult:
    file_format: str
    records: list[ObservationRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    pending: list[SubAnnual] = field(default_factory=list)


def detect_format(data: bytes, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if suffix == ".xml" or head.startswith(b"<"):
        return "sdmx-ml"
    if suffix == ".json" or head.startswith(b"{"):
        return "json-stat"
    if suffix in {".csv", ".txt"} and head.upper().lstrip(b'"').startswith(
        (b"DATAFLOW", b"STRUCTURE,", b"STRUCTURE;")
    ):
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


_PERIODS = (
    (re.compile(r"(\d{4})(?:-?A1?)?"), "A", False),
    (re.compile(r"(\d{4})-?M(\d{1,2})"), "M", False),
    (re.compile(r"(\d{4})-(\d{2})"), "M", False),
    (re.compile(r"(\d{4})-?Q([1-4])"), "Q", False),
    (re.compile(r"Q([1-4])-(\d{4})"), "Q", True),  # ISTAT's labels: "Q1-2010"
    (re.compile(r"(\d{4})-?[SH]([12])"), "S", False),
    (re.compile(r"(\d{4})-?W(\d{1,2})"), "W", False),
)
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def period_parse(text: str) -> tuple[int, str, int] | None:
    """A period as (year, frequency, position in the year): "2020" → (2020, "A", 1),
    "2020-03" or "2020M03" → (2020, "M", 3), "2020-Q2" → (2020, "Q", 2), "2020-S1",
    "2020-W07", "2020-03-31" (a day: its day of the year); None when it is not a period."""
    text = text.strip().upper()
    for pattern, kind, reversed_ in _PERIODS:
        match = pattern.fullmatch(text)
        if match:
            if kind == "A":
                return int(match.group(1)), "A", 1
            first, second = int(match.group(1)), int(match.group(2))
            year, index = (second, first) if reversed_ else (first, second)
            if (kind == "M" and not 1 <= index <= 12) or (kind == "W" and not 1 <= index <= 53):
                return None
            return year, kind, index
    match = _DAY.fullmatch(text)
    if match:
        import datetime as dt

        try:
            day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
        return day.year, "D", day.timetuple().tm_yday
    return None


def _year(text: str) -> int | None:
    period = period_parse(text)
    return period[0] if period and period[1] == "A" else None


def _flags(text: str) -> dict[str, bool]:
    text = text.strip().lower()  # "P", "e", "ep" (Eurostat) or "P, B"
    codes = set(text) if len(text) <= 3 else {c for c in re.split(r"[\s,;|]+", text) if c}
    return {flag: code in codes for code, flag in STATUS_FLAGS.items()}


def breakdown_key(parts: Iterable[tuple[str, str]]) -> str:
    return "|".join(f"{k}={v}" for k, v in sorted(parts) if v)


class RecordBuilder:
    """Collects records and errors with the shared checks on year, value and codes."""

    def __init__(
        self, file_format: str, indicator: str | None, options: ReadOptions | None = None
    ) -> None:
        self.result = ReadResult(file_format)
        self.indicator = (indicator or "").strip()
        self.options = options or ReadOptions()

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
        period = period_parse(year_text)
        if period is None:
            self.error(
                row,
                year_field,
                "not a year (YYYY) nor a period (YYYY-MM, YYYY-Qn, YYYY-Sn, YYYY-Wnn, a date)",
                year_text,
            )
            ok = False
        elif problem := year_problem(period[0]):
            self.error(row, year_field, problem, year_text)
            ok = False
        elif period[1] != "A" and not self.options.aggregate:
            self.error(
                row,
                year_field,
                f"a {PERIOD_WORDS[period[1]]} period: Territori keeps yearly values; choose "
                "how to make years of them (aggregate: mean, sum, last, or each indicator's "
                "rule)",
                year_text,
            )
            ok = False
        if not value_text.strip():
            return  # an empty cell is a missing value, not an observation
        value, problem = _number(value_text)
        if problem:
            self.error(row, value_field, problem, value_text)
            ok = False
        if not ok or period is None or value is None:
            return
        if period[1] != "A":
            self.result.pending.append(
                SubAnnual(
                    row,
                    indicator,
                    territory.strip(),
                    breakdown,
                    period[0],
                    period[1],
                    period[2],
                    value,
                    _flags(status),
                )
            )
            return
        self.result.records.append(
            ObservationRecord(
                row, indicator, territory.strip(), period[0], value, breakdown, **_flags(status)
            )
        )


def read_tidy(
    data: bytes,
    filename: str,
    *,
    indicator: str | None = None,
    options: ReadOptions | None = None,
) -> ReadResult:
    """Open SDG tidy data: Year first, Value last, GeoCode, other columns disaggregations."""
    if indicator is None:
        match = re.match(r"indicator_(.+)\.(csv|xlsx)$", Path(filename).name, re.IGNORECASE)
        indicator = match.group(1) if match else None
    builder = RecordBuilder("tidy", indicator, options)
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


#: SDMX-CSV columns before the dimensions (1.0: DATAFLOW; 2.0: STRUCTURE, STRUCTURE_ID,
#: ACTION) and dimensions that never distinguish a series here.
SDMX_CSV_LEADING = {"dataflow", "structure", "structure_id", "action"}


def _area_dimension(names: list[str], options: ReadOptions) -> tuple[str | None, str]:
    """The territory dimension: the one named by the user, else a name in use for it; or
    why none was found."""
    if options.area_dimension:
        wanted = options.area_dimension.strip().lower()
        found = next((n for n in names if n.lower() == wanted), None)
        if found is None:
            return None, (
                f"no dimension {options.area_dimension!r} in the file "
                f"(its dimensions: {', '.join(names) or 'none'})"
            )
        return found, ""
    for known in TERRITORY_DIMENSIONS:
        found = next((n for n in names if n.lower() == known), None)
        if found is not None:
            return found, ""
    return None, (
        f"no territory dimension among {', '.join(names) or 'no dimensions'}: name it "
        "(--area-dimension)"
    )


def _split_dimensions(
    names: list[str], values: list[dict[str, str]], territory: str, time: str
) -> list[str]:
    """The dimensions other than territory and time that take more than one value (they
    make the disaggregation)."""
    return [
        n
        for n in names
        if n not in (territory, time)
        and n.lower() not in {"freq", *SDMX_CSV_LEADING}
        and len({v.get(n, "") for v in values}) > 1
    ]


def read_sdmx_csv(
    data: bytes,
    filename: str,
    *,
    indicator: str | None = None,
    options: ReadOptions | None = None,
) -> ReadResult:
    builder = RecordBuilder("sdmx-csv", indicator, options)
    try:
        rows = read_table(data, filename if filename.lower().endswith(".csv") else "data.csv")
    except TableReadError as exc:
        builder.result.errors.append(exc.error)
        return builder.result
    if not rows:
        return builder.result
    columns = list(rows[0].values)
    options = builder.options
    time = (options.time_dimension or "time_period").strip().lower()
    for required in (time, "obs_value"):
        if required not in columns:
            builder.error(1, required.upper(), "required column is missing")
    if builder.result.errors:
        return builder.result
    dimensions = [c for c in columns[: columns.index(time)] if c not in SDMX_CSV_LEADING]
    territory, problem = _area_dimension(dimensions, options)
    if territory is None:
        builder.error(1, options.area_dimension.upper() or "REF_AREA", problem)
        return builder.result
    varying = _split_dimensions(dimensions, [r.values for r in rows], territory, time)
    for row in rows:
        builder.add(
            row=row.line,
            indicator=row.get("indicator"),
            territory=row.get(territory),
            year_text=row.get(time),
            value_text=row.get("obs_value"),
            year_field=time.upper(),
            value_field="OBS_VALUE",
            breakdown=breakdown_key((n.upper(), row.get(n)) for n in varying),
            status=row.get("obs_status"),
        )
    return builder.result


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_sdmx_ml(
    data: bytes,
    filename: str,
    *,
    indicator: str | None = None,
    options: ReadOptions | None = None,
) -> ReadResult:
    """SDMX-ML 2.1 data messages, generic or structure-specific; rows count observations."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    builder = RecordBuilder("sdmx-ml", indicator, options)
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        builder.error(0, "file", f"not a readable SDMX-ML document ({exc})")
        return builder.result
    kind = _local(root.tag)
    if kind not in {"GenericData", "StructureSpecificData"}:
        builder.error(0, "file", f"not an SDMX-ML data message (root element {kind})")
        return builder.result
    at_observation = next(
        (
            e.get("dimensionAtObservation", "")
            for e in root.iter()
            if _local(e.tag) == "Structure" and e.get("dimensionAtObservation")
        ),
        "",
    )
    flat = at_observation == "AllDimensions"
    time_name = builder.options.time_dimension or (
        at_observation if at_observation and not flat else "TIME_PERIOD"
    )
    observations = (
        _generic_observations(root, time_name)
        if kind == "GenericData"
        else _specific_observations(root, time_name, flat)
    )
    names = sorted({name for key, *_ in observations for name in key})
    territory, problem = _area_dimension(names, builder.options)
    if observations and territory is None:
        builder.error(0, builder.options.area_dimension or "REF_AREA", problem)
        return builder.result
    varying = _split_dimensions(names, [key for key, *_ in observations], territory or "", "")
    for number, (key, time, value, status) in enumerate(observations, start=1):
        builder.add(
            row=number,
            indicator=key.get("INDICATOR", ""),
            territory=key.get(territory or "", ""),
            year_text=time,
            value_text=value,
            year_field=time_name,
            value_field="OBS_VALUE",
            breakdown=breakdown_key((n, key.get(n, "")) for n in varying),
            status=status,
        )
    return builder.result


#: Observation-level attributes of SDMX that are not dimensions (left out of the key when
#: a message puts every dimension on its observations).
SDMX_OBS_ATTRIBUTES = {"OBS_VALUE", "OBS_STATUS", "OBS_CONF", "OBS_PRE_BREAK", "UNIT_MULT"}

Observed = tuple[dict[str, str], str, str, str]


def _generic_observations(root: Any, time_name: str) -> list[Observed]:
    """Generic data: series keys and observation dimensions as id/value pairs."""
    found: list[Observed] = []
    for element in root.iter():
        if _local(element.tag) != "Obs":
            continue
        key: dict[str, str] = {}
        time = value = status = ""
        for part in element:
            name = _local(part.tag)
            if name == "ObsDimension":
                time = part.get("value", "")
            elif name == "ObsKey":  # every dimension at the observation
                for item in part:
                    if item.get("id") == time_name:
                        time = item.get("value", "")
                    else:
                        key[item.get("id", "")] = item.get("value", "")
            elif name == "ObsValue":
                value = part.get("value", "")
            elif name == "Attributes":
                for attribute in part:
                    if attribute.get("id") == "OBS_STATUS":
                        status = attribute.get("value", "")
        found.append((key, time, value, status))
    # the series keys, in document order
    position = 0
    for series in (e for e in root.iter() if _local(e.tag) == "Series"):
        series_key = {
            v.get("id", ""): v.get("value", "")
            for k in series
            if _local(k.tag) == "SeriesKey"
            for v in k
        }
        for _obs in (o for o in series if _local(o.tag) == "Obs"):
            found[position][0].update(series_key)
            position += 1
    return found


def _specific_observations(root: Any, time_name: str, flat: bool) -> list[Observed]:
    """Structure-specific data: dimensions as XML attributes of the series and, when the
    message puts every dimension on its observations, of each observation."""
    found: list[Observed] = []

    def add(obs: Any, series_key: dict[str, str]) -> None:
        key = dict(series_key)
        if flat:
            key.update(
                (name, text)
                for name, text in obs.attrib.items()
                if name != time_name and name not in SDMX_OBS_ATTRIBUTES
            )
        found.append(
            (key, obs.get(time_name, ""), obs.get("OBS_VALUE", ""), obs.get("OBS_STATUS", ""))
        )

    for element in root.iter():
        tag = _local(element.tag)
        if tag == "Series":
            for obs in (o for o in element if _local(o.tag) == "Obs"):
                add(obs, dict(element.attrib))
        elif tag == "DataSet":
            for obs in (o for o in element if _local(o.tag) == "Obs"):
                add(obs, {})
    return found


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


JSON_STAT_VERSIONS = ("1", "2")


def _json_stat_datasets(document: Any) -> tuple[list[tuple[str, dict[str, Any]]], str]:
    """The datasets of a JSON-stat document in 2.0 form (id, size, role, dimension, value,
    status): a 2.0 dataset, the datasets embedded in a 2.0 collection, or every dataset of a
    1.x bundle (as archived Eurostat and ISTAT responses are); or why it cannot be read."""
    if not isinstance(document, dict):
        return [], "not a JSON-stat document (a JSON object)"
    version = document.get("version")
    if version is not None and not str(version).startswith(JSON_STAT_VERSIONS):
        return [], (
            f"JSON-stat version {str(version)[:20]} is not supported: this reader takes 1.x "
            "bundles and 2.0 datasets and collections"
        )
    kind = document.get("class")
    if kind == "dataset" or (kind is None and "id" in document and "dimension" in document):
        return [("", document)], ""
    if kind == "collection":
        items = (document.get("link") or {}).get("item") or []
        datasets: list[tuple[str, dict[str, Any]]] = []
        for number, item in enumerate(items if isinstance(items, list) else [], start=1):
            if not isinstance(item, dict) or item.get("class") != "dataset" or "value" not in item:
                where = item.get("href", "") if isinstance(item, dict) else ""
                return [], (
                    f"collection item {number} is a link ({str(where)[:80]}), not an embedded "
                    "dataset: download it and read it on its own"
                )
            datasets.append((str(item.get("label") or f"item {number}"), item))
        if not datasets:
            return [], "the collection embeds no dataset"
        return datasets, ""
    if kind in (None, "bundle"):  # 1.x: {name: {dimension: {id, size, role, ...}, value}}
        bundle = []
        for name, item in document.items():
            if isinstance(item, dict) and isinstance(item.get("dimension"), dict):
                dimension = item["dimension"]
                status = item.get("status")
                if isinstance(status, dict) and isinstance(status.get("value"), list):
                    status = status["value"]  # Eurostat's former web service
                bundle.append(
                    (
                        str(name),
                        {
                            "id": dimension.get("id"),
                            "size": dimension.get("size"),
                            "role": dimension.get("role") or {},
                            "dimension": dimension,
                            "value": item.get("value", []),
                            "status": status or {},
                        },
                    )
                )
        if bundle:
            return bundle, ""
    return [], "not a JSON-stat dataset, collection or 1.x bundle"


def read_json_stat(
    data: bytes,
    filename: str,
    *,
    indicator: str | None = None,
    options: ReadOptions | None = None,
) -> ReadResult:
    """JSON-stat: 2.0 datasets and collections (as Eurostat's API serves them) and 1.x
    bundles; rows are positions in the value array, counted across the datasets."""
    builder = RecordBuilder("json-stat", indicator, options)
    document, problem = _json_load(data)
    if problem:
        builder.error(0, "file", problem)
        return builder.result
    datasets, problem = _json_stat_datasets(document)
    if problem:
        builder.error(0, "class", problem)
        return builder.result
    offset = 0
    for _name, dataset in datasets:
        offset = _read_json_stat_dataset(builder, dataset, offset)
        if builder.result.errors:
            break
    return builder.result


def _time_codes(dimension: dict[str, Any], codes: list[str]) -> list[str] | None:
    """A dimension's periods: its labels when they are all periods ("Q1-2010" where the
    codes are internal numbers, as in ISTAT's former API), else its codes when they are;
    None when neither is."""
    labels = (dimension.get("category") or {}).get("label") or {}
    if isinstance(labels, dict) and labels:
        named = [str(labels.get(code, "")) for code in codes]
        if all(period_parse(label) for label in named):
            return named
    if all(period_parse(code) for code in codes):
        return codes
    return None


def _read_json_stat_dataset(builder: RecordBuilder, document: dict[str, Any], offset: int) -> int:
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
        return offset
    options = builder.options
    role = document.get("role", {})
    role = role if isinstance(role, dict) else {}
    if options.area_dimension:
        geo, problem = _area_dimension(ids, options)
    else:
        geo = next(iter(role.get("geo") or []), None)
        geo, problem = (geo, "") if geo in ids else _area_dimension(ids, options)
    time = None
    if options.time_dimension:
        time = next((n for n in ids if n.lower() == options.time_dimension.lower()), None)
        if time is None:
            problem = problem or (
                f"no dimension {options.time_dimension!r} in the file "
                f"(its dimensions: {', '.join(ids)})"
            )
    else:
        time = next(iter(role.get("time") or []), None)
        if time not in ids:
            time = next((n for n in ids if n.lower() in TIME_DIMENSIONS), None)
        if time is None:  # a dimension whose codes or labels are all periods
            time = next(
                (
                    n
                    for n, found in zip(ids, codes, strict=True)
                    if n != geo and _time_codes(dimensions[n], found)
                ),
                None,
            )
        if time is None:
            problem = problem or (
                f"no time dimension among {', '.join(ids)}: name it (--time-dimension)"
            )
    if geo is None or time is None:
        builder.error(0, "dimension", problem)
        return offset
    periods = _time_codes(dimensions[time], codes[ids.index(time)]) or codes[ids.index(time)]
    values = document.get("value", [])
    if not isinstance(values, list | dict):
        builder.error(0, "value", "the values are neither a list nor a mapping")
        return offset
    statuses = document.get("status", {})
    total = math.prod(sizes)
    if isinstance(values, list) and len(values) > total:
        builder.error(0, "value", f"{len(values)} values for a dataset of size {total}")
        return offset
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
            builder.error(offset + position + 1, "value", "position outside the dataset's size")
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
            row=offset + position + 1,
            indicator="",
            territory=codes[g][picks[g]],
            year_text=periods[picks[t]],
            value_text=str(value) if isinstance(value, int | float | str) else "?",
            year_field=time,
            value_field="value",
            breakdown=breakdown_key((ids[i], codes[i][picks[i]]) for i in varying),
            status=str(status),
        )
    return offset + total


def _aggregate(result: ReadResult, options: ReadOptions) -> None:
    """Make years of the sub-annual values, by the method chosen: the mean, the sum (only of
    a complete year), or the last period's value. A year with periods missing is marked
    estimated (mean, last) or refused (sum); a year mixing frequencies is refused."""
    groups: dict[tuple[str, str, str, int], list[SubAnnual]] = {}
    for item in result.pending:
        groups.setdefault((item.indicator, item.territory, item.breakdown, item.year), []).append(
            item
        )
    for (indicator, territory, breakdown, year), items in groups.items():
        first = items[0]
        kinds = {item.kind for item in items}
        if len(kinds) > 1:
            words = " and ".join(sorted(PERIOD_WORDS[k] for k in kinds))
            result.errors.append(
                RowError(first.row, "period", f"{year} mixes {words} values", str(year))
            )
            continue
        method = options.aggregate
        if method == "rule":
            method = options.rules.get(indicator, "")
            if method not in ("sum", "mean"):
                result.errors.append(
                    RowError(
                        first.row,
                        "indicator",
                        "no aggregation rule for this indicator: choose mean, sum or last",
                        indicator,
                    )
                )
                continue
        positions = {item.index for item in items}
        if len(positions) < len(items):
            result.errors.append(
                RowError(first.row, "period", "the same period twice in one year", str(year))
            )
            continue
        expected = PERIODS_IN_YEAR[first.kind]
        complete = len(positions) >= expected
        if method == "sum" and not complete:
            result.errors.append(
                RowError(
                    first.row,
                    "period",
                    f"a yearly sum needs every period: {len(positions)} of {expected} "
                    f"{PERIOD_WORDS[first.kind]} values in {year}",
                    str(year),
                )
            )
            continue
        values = [item.value for item in sorted(items, key=lambda i: i.index)]
        value = (
            math.fsum(values)
            if method == "sum"
            else values[-1]
            if method == "last"
            else math.fsum(values) / len(values)
        )
        flags = {
            name: any(item.flags.get(name, False) for item in items)
            for name in ("provisional", "estimated", "break_in_series")
        }
        flags["estimated"] = flags["estimated"] or not complete
        result.records.append(
            ObservationRecord(first.row, indicator, territory, year, value, breakdown, **flags)
        )
    result.pending.clear()


class Reader(Protocol):
    def __call__(
        self,
        data: bytes,
        filename: str,
        *,
        indicator: str | None = None,
        options: ReadOptions | None = None,
    ) -> ReadResult: ...


READERS: dict[str, Reader] = {
    "tidy": read_tidy,
    "sdmx-csv": read_sdmx_csv,
    "sdmx-ml": read_sdmx_ml,
    "json-stat": read_json_stat,
}


def read_observations(
    data: bytes,
    filename: str,
    *,
    file_format: str | None = None,
    indicator: str | None = None,
    options: ReadOptions | None = None,
) -> ReadResult:
    """Read a file of observations in any supported format; `options` name the territory
    and time dimensions and choose how sub-annual values become yearly."""
    from .wide import read_eurostat_tsv, read_istat_sdg, read_istat_wide

    options = options or ReadOptions()
    if options.aggregate and options.aggregate not in AGGREGATIONS:
        result = ReadResult(file_format or "")
        result.errors.append(
            RowError(
                0, "aggregate", f"unknown aggregation {options.aggregate!r}: use {AGGREGATIONS}"
            )
        )
        return result
    wide = {
        "istat-wide": read_istat_wide,
        "istat-sdg": read_istat_sdg,
        "eurostat-tsv": read_eurostat_tsv,
    }
    chosen = file_format or detect_format(data, filename)
    reader = READERS.get(chosen)
    if reader is not None:
        result = reader(data, filename, indicator=indicator, options=options)
    elif chosen in wide:
        result = wide[chosen](data, filename, indicator=indicator)
    else:
        result = ReadResult(chosen)
        result.errors.append(RowError(0, "format", f"unknown format '{chosen}': use {FORMATS}"))
        return result
    if result.pending and not result.errors:
        _aggregate(result, options)
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
