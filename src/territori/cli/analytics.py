"""`territori assess | composite | project | coherence-metrics`: the core on plain files.

A stable contract: outside tools depend on these commands.

These commands need no database. INPUT is CSV or Parquet with columns
indicator, territory, year, value; META is CSV with indicator, polarity and optional
target, target_year, limit. Output is JSON (default) or CSV on standard output. Bad input
exits with status 2 and a message naming the file, row and column.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from territori.analytics.coherence import square_metrics
from territori.analytics.composite import composite
from territori.analytics.panel import Panel
from territori.analytics.trends import (
    Assessment,
    eurostat_assess,
    istat_assess,
    opensdg_assess,
    opensdg_indicator_level,
)
from territori.io.coherence import read_square_grid

from .columns import (
    Codes,
    InputError,
    Observations,
    indexed,
    output_table,
    read_observations,
    whole_years,
    write_table,
)

FORMATS = ["json", "csv", "parquet"]


def _read_frame(path: str) -> pd.DataFrame:
    """A small table (META) as text."""
    file = Path(path)
    if not file.exists():
        raise InputError(path, "no such file")
    try:
        if file.suffix.lower() in {".parquet", ".pq"}:
            frame = pd.read_parquet(file).astype(str)
            return frame.replace({"nan": "", "None": "", "<NA>": ""})
        return pd.read_csv(file, dtype=str, keep_default_na=False, sep=None, engine="python")
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a readable CSV or Parquet file ({exc})") from exc


def _columns(frame: pd.DataFrame, path: str, required: list[str]) -> pd.DataFrame:
    frame.columns = [str(c).strip().lstrip("\ufeff").lower() for c in frame.columns]
    for name in required:
        if name not in frame.columns:
            raise InputError(path, "required column is missing", 1, name)
    return frame


def _numbers(frame: pd.DataFrame, path: str, column: str, *, integer: bool = False) -> pd.Series:
    text = frame[column].astype(str).str.strip()
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    bad = (text != "") & (numbers.isna() | ~np.isfinite(numbers.fillna(0)))
    if integer:
        bad |= (text != "") & numbers.notna() & (numbers != numbers.round())
    if bad.any():
        position = int(np.argmax(bad.to_numpy()))
        kind = "a whole number (year)" if integer else "a number"
        raise InputError(path, f"not {kind}: {text.iloc[position]!r}", position + 2, column)
    return numbers


def read_meta(path: str | None, indicators: Sequence[str], *, required: bool) -> pd.DataFrame:
    """META: polarity per indicator, optional target, target_year, limit and base_year."""
    codes = sorted(set(indicators))
    optional = ("target", "target_year", "limit", "base_year")
    if path is None:
        if required:
            raise InputError("META", "--meta is required (indicator, polarity)")
        sys.stderr.write("note: no --meta given; every indicator assumed higher-is-better\n")
        return pd.DataFrame(
            {"indicator": codes, "polarity": 1.0, **dict.fromkeys(optional, np.nan)}
        ).set_index("indicator")
    frame = _columns(_read_frame(path), path, ["indicator", "polarity"])
    polarity = _numbers(frame, path, "polarity")
    bad = ~polarity.isin([1, -1])
    if bad.any():
        position = int(np.argmax(bad.to_numpy()))
        raise InputError(
            path,
            f"polarity must be 1 or -1, not {frame['polarity'].iloc[position]!r}",
            position + 2,
            "polarity",
        )
    meta = pd.DataFrame(
        {"indicator": frame["indicator"].astype(str).str.strip(), "polarity": polarity}
    )
    for name in optional:
        integer = name in ("target_year", "base_year")
        meta[name] = (
            _numbers(frame, path, name, integer=integer) if name in frame.columns else np.nan
        )
    outside = meta["base_year"].notna() & ~meta["base_year"].between(1900, 2100)
    if outside.any():
        position = int(np.argmax(outside.to_numpy()))
        raise InputError(path, "a base year between 1900 and 2100", position + 2, "base_year")
    has_target = meta["target"].notna()
    if (has_target & meta["target_year"].isna()).any():
        position = int(np.argmax((has_target & meta["target_year"].isna()).to_numpy()))
        raise InputError(path, "a target needs its target_year", position + 2, "target_year")
    repeated = meta["indicator"].duplicated()
    if repeated.any():
        position = int(np.argmax(repeated.to_numpy()))
        raise InputError(path, "indicator listed twice", position + 2, "indicator")
    meta = meta.set_index("indicator")
    missing = [code for code in codes if code not in meta.index]
    if missing:
        if required:
            raise InputError(path, f"no polarity for indicator(s) {', '.join(missing[:5])}")
        sys.stderr.write(f"note: {', '.join(missing[:5])} not in META; assumed higher-is-better\n")
        extra = pd.DataFrame({"polarity": 1.0}, index=pd.Index(missing, name="indicator"))
        meta = pd.concat([meta, extra])
    return meta


@dataclass(frozen=True)
class SeriesPanel:
    """The observations as one matrix (series × years) and each series' key codes."""

    panel: Panel
    key_codes: dict[str, np.ndarray]  # indicator, series columns, territory: codes per series
    key_names: dict[str, np.ndarray]  # the names the codes point to

    @property
    def indicator_codes(self) -> np.ndarray:
        return self.key_codes["indicator"]

    @property
    def territory_codes(self) -> np.ndarray:
        return self.key_codes["territory"]

    def keys(self, repeat: int = 1) -> dict[str, pa.Array]:
        """The key columns for output, each series `repeat` times in a row (dictionaries:
        one string per distinct name, not per row)."""
        return {
            name: pa.DictionaryArray.from_arrays(
                pa.array(np.repeat(codes, repeat).astype(np.int32)),
                pa.array(self.key_names[name].tolist(), type=pa.string()),
            )
            for name, codes in self.key_codes.items()
        }


def series_panel(data: Observations, path: str) -> SeriesPanel:
    """Pivot the observations into a panel in O(rows) (no groupby, no sort where avoidable);
    a series without any value is left out."""
    parts = {"indicator": data.indicator, **data.series, "territory": data.territory}
    if data.rows == 0:
        empty = np.empty(0, dtype=np.int64)
        return SeriesPanel(
            Panel(np.empty((0, 0)), empty, pd.DataFrame()),
            dict.fromkeys(parts, empty),
            {name: part.names for name, part in parts.items()},
        )
    ids, firsts = indexed(data, path)
    first_year = int(data.year.min())
    years = np.arange(first_year, int(data.year.max()) + 1, dtype=np.int64)
    values = np.full((len(firsts), len(years)), np.nan)
    values[ids, data.year - first_year] = data.value
    del ids
    kept = np.isfinite(values).any(axis=1)
    if not kept.all():
        values, firsts = values[kept], firsts[kept]
    return SeriesPanel(
        panel=Panel(values, years, pd.DataFrame()),
        key_codes={name: part.codes[firsts] for name, part in parts.items()},
        key_names={name: part.names for name, part in parts.items()},
    )


def _per_series(panel: SeriesPanel, meta: pd.DataFrame, column: str) -> np.ndarray:
    """A META column for each series, through its indicator."""
    by_code = meta[column].reindex(panel.key_names["indicator"]).to_numpy(dtype=np.float64)
    picked: np.ndarray = by_code[panel.indicator_codes]
    return picked


def _constant(text: str, n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([text], type=pa.string())
    )


def _side_by_side(arrays: list[np.ndarray]) -> np.ndarray:
    """Rows of several results interleaved: series 1 of each, then series 2 of each..."""
    if len(arrays) == 1:
        return arrays[0]
    joined = np.empty(len(arrays) * len(arrays[0]), dtype=arrays[0].dtype)
    for position, array in enumerate(arrays):
        joined[position :: len(arrays)] = array
    return joined


def _text(values: np.ndarray) -> pa.Array:
    """Words (a status, a reason) as a dictionary column."""
    encoded: pa.Array = pa.array(np.asarray(values, dtype=object), type=pa.string())
    return encoded.dictionary_encode()


def _assessments(panel: SeriesPanel, results: list[Assessment], extra: list[str]) -> pa.Table:
    """The results (one per window) side by side for each series, as an output table."""
    n = panel.panel.n_series * len(results)
    columns: dict[str, pa.Array | np.ndarray] = dict(panel.keys(repeat=len(results)))
    columns["method"] = _constant(results[0].method, n)
    windows = _side_by_side(
        [np.full(panel.panel.n_series, r.window, dtype=object) for r in results]
    )
    columns["window"] = _text(windows)
    columns["start_year"] = whole_years(_side_by_side([r.start_year for r in results]))
    columns["end_year"] = whole_years(_side_by_side([r.end_year for r in results]))
    for name in ("cagr", "required_cagr", "ratio"):
        columns[name] = _side_by_side([np.asarray(getattr(r, name)) for r in results])
    columns["status"] = _text(_side_by_side([np.asarray(r.status, dtype=object) for r in results]))
    for name in extra:
        joined = _side_by_side([np.asarray(getattr(r, name)) for r in results])
        columns[name] = joined.astype(np.float64) if name == "score" else _text(joined)
    return output_table(columns)


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="json", dest="output_format")
    parser.add_argument("--output", metavar="FILE", help="write here (default: standard output)")


def assess(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori assess", description="Assess the trend of every indicator × territory."
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--meta", metavar="META")
    parser.add_argument("--method", choices=["eurostat", "istat", "opensdg"], default="eurostat")
    parser.add_argument(
        "--level",
        choices=["series", "indicator"],
        default="series",
        help="indicator: Open SDG's result per indicator × territory, its series joined",
    )
    _output_options(parser)
    parser.add_argument("--explain", action="store_true", help="add a 'reason' key")
    args = parser.parse_args(argv)
    if args.level == "indicator" and args.method != "opensdg":
        parser.error("--level indicator is Open SDG's: use it with --method opensdg")
    data = read_observations(args.input)
    meta = read_meta(args.meta, list(data.indicator.names), required=False)
    panel = series_panel(data, args.input)
    del data  # the rows are in the panel now: free them before computing
    values, years = panel.panel.values, panel.panel.years
    polarity = _per_series(panel, meta, "polarity")
    target = _per_series(panel, meta, "target")
    target_year = _per_series(panel, meta, "target_year")
    extra = ["reason"] if args.explain else []
    if args.method == "eurostat":
        results = [
            eurostat_assess(
                values,
                years,
                polarity=polarity,
                target=target,
                target_year=target_year,
                window=window,
            )
            for window in ("long", "short")
        ]
    elif args.method == "istat":
        results = [istat_assess(values, years, polarity=polarity)]
    else:
        result = opensdg_assess(
            values,
            years,
            polarity=polarity,
            target=target,
            target_year=target_year,
            limit=_per_series(panel, meta, "limit"),
            base_year=_per_series(panel, meta, "base_year"),
        )
        if args.level == "indicator":
            write_table(
                output_table(_indicator_level(panel, result)), args.output_format, args.output
            )
            return 0
        results, extra = [result], ["score", *extra]
    write_table(_assessments(panel, results, extra), args.output_format, args.output)
    return 0


def _indicator_level(panel: SeriesPanel, result: Assessment) -> dict[str, np.ndarray | pa.Array]:
    """Open SDG's result per indicator × territory, over the series of each."""
    width = int(panel.territory_codes.max()) + 1 if panel.territory_codes.size else 1
    pair = panel.indicator_codes * width + panel.territory_codes
    unique, first, groups = np.unique(pair, return_index=True, return_inverse=True)
    level = opensdg_indicator_level(result, groups, len(unique))
    return {
        "indicator": panel.key_names["indicator"][panel.indicator_codes[first]],
        "territory": panel.key_names["territory"][panel.territory_codes[first]],
        "series": level.series.astype(np.int64),
        "assessed": level.assessed.astype(np.int64),
        "score": np.asarray(level.score, dtype=np.float64),
        "status": np.asarray(level.status, dtype=object),
    }


def composite_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori composite", description="Composite index per territory and year."
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--meta", metavar="META", required=True)
    parser.add_argument("--method", choices=["ampi", "ampi+", "minmax", "zscore"], required=True)
    parser.add_argument("--reference", metavar="TERRITORY:YEAR", required=True)
    _output_options(parser)
    args = parser.parse_args(argv)
    territory, sep, year_text = args.reference.rpartition(":")
    if not sep or not territory or not year_text.strip().isdigit():
        parser.error(f"--reference must be TERRITORY:YEAR, not {args.reference!r}")
    data = _totals(read_observations(args.input), args.input)
    indexed(data, args.input)  # a repeated indicator × territory × year is refused
    meta = read_meta(args.meta, list(data.indicator.names), required=True)
    n_indicators, n_territories = len(data.indicator.names), len(data.territory.names)
    first_year = int(data.year.min())
    years = np.arange(first_year, int(data.year.max()) + 1)
    cube = np.full((n_indicators, n_territories, len(years)), np.nan)
    cube[data.indicator.codes, data.territory.codes, data.year - first_year] = data.value
    territories = list(data.territory.names)
    if territory not in territories or not (years[0] <= int(year_text) <= years[-1]):
        raise InputError(args.input, f"the reference {args.reference} has no data in the file")
    reference = (territories.index(territory), int(year_text) - first_year)
    try:
        result = composite(
            cube,
            polarity=meta["polarity"].reindex(data.indicator.names).to_numpy(dtype=np.float64),
            method=args.method,
            reference=reference,
        )
    except ValueError as exc:
        raise InputError(args.input, str(exc)) from exc
    places, columns = np.nonzero(np.isfinite(cube).any(axis=0))
    order = np.lexsort((columns, np.asarray(territories, dtype=object)[places].astype(str)))
    places, columns = places[order], columns[order]
    table = output_table(
        {
            "territory": np.asarray(territories, dtype=object)[places],
            "year": years[columns].astype(np.int64),
            "value": result[places, columns],
        }
    )
    write_table(table, args.output_format, args.output)
    return 0


def _totals(data: Observations, path: str) -> Observations:
    """The rows without a series or breakdown (a composite takes one value per indicator,
    territory and year)."""
    if not data.series:
        return data
    keep = np.ones(data.rows, dtype=bool)
    for part in data.series.values():
        keep &= part.names[part.codes] == ""
    if not keep.any():
        raise InputError(
            path,
            "a composite takes one value per indicator, territory and year: the file has only "
            f"{' and '.join(data.series)} rows; keep the totals (empty {'/'.join(data.series)})",
        )

    def cut(part: Codes) -> Codes:
        return Codes(codes=part.codes[keep], names=part.names)

    return Observations(
        indicator=cut(data.indicator),
        territory=cut(data.territory),
        series={},
        year=data.year[keep],
        value=data.value[keep],
    )


def project_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori project", description="Project every series to a target year."
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--meta", metavar="META")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--method", choices=["cagr", "linear", "both"], default="both")
    parser.add_argument("--window", type=int, help="fit on the last N years only")
    _output_options(parser)
    args = parser.parse_args(argv)
    if args.window is not None and args.window < 2:
        parser.error("--window must be at least 2 years")
    from territori.analytics.projection import project  # scipy: only where needed

    data = read_observations(args.input)
    meta = read_meta(args.meta, list(data.indicator.names), required=False)
    panel = series_panel(data, args.input)
    del data
    target = _per_series(panel, meta, "target")
    methods = ["cagr", "linear"] if args.method == "both" else [args.method]
    projected = [
        project(
            panel.panel.values,
            panel.panel.years,
            year=args.year,
            method=method,
            target=target,
            window=args.window,
        )
        for method in methods
    ]
    n = panel.panel.n_series
    columns: dict[str, np.ndarray | pa.Array] = dict(panel.keys(repeat=len(methods)))
    columns["method"] = _text(_side_by_side([np.full(n, m, dtype=object) for m in methods]))
    for name in ("value", "lower", "upper", "gap_closure"):
        columns[name] = _side_by_side(
            [np.asarray(getattr(p, name), dtype=np.float64) for p in projected]
        )
    write_table(output_table(columns), args.output_format, args.output)
    return 0


def _emit(records: list[dict[str, Any]], keys: list[str]) -> None:
    frame = pd.DataFrame([{k: r[k] for k in keys} for r in records], columns=keys)
    frame.to_csv(sys.stdout, index=False, lineterminator="\n")


NODE_KEYS = [
    "node",
    "out",
    "in",
    "net",
    "out_pos",
    "out_neg",
    "in_pos",
    "in_neg",
    "second_order",
    "motricity",
    "dependence",
    "quadrant",
]


def coherence_metrics_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori coherence-metrics",
        description=(
            "Metrics of a square coherence matrix (methods.md §8): influence, influenced, net, "
            "positive and negative parts, second order, MICMAC motricity and dependence with "
            "quadrants, warnings (scores <= -2) and clusters of mutually reinforcing nodes. "
            "MATRIX.csv: node codes in the header row and the first column, scores -3..+3, "
            "the diagonal empty or ignored."
        ),
    )
    parser.add_argument("matrix", metavar="MATRIX.csv")
    parser.add_argument("--alpha", type=float, default=0.5, help="MICMAC damping (default 0.5)")
    parser.add_argument("--order", type=int, default=2, help="MICMAC order K (default 2)")
    parser.add_argument(
        "--format", choices=["json", "csv", "table"], default="json", dest="output_format"
    )
    args = parser.parse_args(argv)
    if not (math.isfinite(args.alpha) and 0 < args.alpha <= 1):
        parser.error(f"--alpha must be in (0, 1], not {args.alpha}")
    if args.order < 1:
        parser.error(f"--order must be at least 1, not {args.order}")
    path = Path(args.matrix)
    if not path.exists():
        raise InputError(args.matrix, "no such file")
    grid, errors = read_square_grid(path.read_bytes())
    if grid is None:
        raise InputError(args.matrix, "\n  ".join(["the matrix has problems:", *map(str, errors)]))
    metrics = square_metrics(grid.scores, grid.codes, alpha=args.alpha, order=args.order)
    records = metrics.records()
    if args.output_format == "table":
        width = max(len(code) for code in grid.codes) if grid.codes else 4
        print(f"{'node':<{width}}  " + "  ".join(f"{k:>12}" for k in NODE_KEYS[1:]))
        for record in records:
            cells = [
                f"{record[k]:>12}" if isinstance(record[k], str) else f"{record[k]:>12.3f}"
                for k in NODE_KEYS[1:]
            ]
            print(f"{record['node']:<{width}}  " + "  ".join(cells))
        for row, column, score in metrics.warnings:
            print(f"warning: {row} -> {column} scores {score:+.0f}")
        for cluster in metrics.clusters:
            print("cluster: " + ", ".join(cluster))
        return 0
    if args.output_format == "csv":
        _emit(records, NODE_KEYS)
        return 0
    body = {
        "nodes": records,
        "warnings": [[row, column, score] for row, column, score in metrics.warnings],
        "clusters": metrics.clusters,
    }
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return 0


def convert_command(argv: Sequence[str]) -> int:
    from territori.io.observations import FORMATS as INPUT_FORMATS
    from territori.io.observations import ReadOptions
    from territori.io.observations import read_observations as read_any

    parser = argparse.ArgumentParser(
        prog="territori convert",
        description=(
            "Any supported file of observations (tidy CSV/Excel, SDMX-CSV, SDMX-ML, JSON-stat "
            "1.x and 2.0, ISTAT wide tables, Eurostat TSV) as the tidy table indicator, "
            "territory, year, value[, breakdown, flags]. No database needed."
        ),
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--indicator", metavar="CODE", help="the indicator, when the file has none")
    parser.add_argument("--input-format", choices=INPUT_FORMATS, help="default: from the file")
    parser.add_argument(
        "--area-dimension", metavar="DIM", default="", help="the territory dimension"
    )
    parser.add_argument("--time-dimension", metavar="DIM", default="", help="the time dimension")
    parser.add_argument(
        "--aggregate",
        choices=["mean", "sum", "last"],
        default="",
        help="make years of monthly, quarterly... values (refused without it)",
    )
    _output_options(parser)
    args = parser.parse_args(argv)
    path = Path(args.input)
    if not path.is_file():
        raise InputError(args.input, "no such file")
    result = read_any(
        path.read_bytes(),
        path.name,
        file_format=args.input_format,
        indicator=args.indicator,
        options=ReadOptions(
            area_dimension=args.area_dimension,
            time_dimension=args.time_dimension,
            aggregate=args.aggregate,
        ),
    )
    if result.errors:
        shown = result.errors[:20]
        lines = [
            (f"row {e.row}, " if e.row else "")
            + f"column '{e.field}': {e.message}"
            + (f" ({e.value!r})" if e.value else "")
            for e in shown
        ]
        more = len(result.errors) - len(shown)
        tail = [f"... and {more} more"] if more else []
        raise InputError(
            args.input,
            "\n  ".join([f"{len(result.errors)} problem(s), nothing written:", *lines, *tail]),
        )
    records = result.records
    columns: dict[str, np.ndarray | pa.Array] = {
        "indicator": np.array([r.indicator for r in records], dtype=object),
        "territory": np.array([r.territory for r in records], dtype=object),
        "year": np.array([r.year for r in records], dtype=np.int64),
        "value": np.array([r.value for r in records], dtype=np.float64),
    }
    if any(r.breakdown for r in records):
        columns["breakdown"] = np.array([r.breakdown for r in records], dtype=object)
    flags = [
        "".join(
            letter
            for letter, on in (("P", r.provisional), ("E", r.estimated), ("B", r.break_in_series))
            if on
        )
        for r in records
    ]
    if any(flags):
        columns["flags"] = np.array(flags, dtype=object)
    write_table(output_table(columns), args.output_format, args.output)
    sys.stderr.write(f"{path.name} ({result.file_format}): {len(records)} observations\n")
    return 0


COMMANDS = {
    "assess": assess,
    "convert": convert_command,
    "composite": composite_command,
    "project": project_command,
    "coherence-metrics": coherence_metrics_command,
}


def run(command: str, argv: Sequence[str]) -> int:
    try:
        return COMMANDS[command](argv)
    except InputError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
