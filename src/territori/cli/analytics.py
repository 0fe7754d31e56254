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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territori.analytics.coherence import square_metrics
from territori.analytics.composite import composite
from territori.analytics.panel import Panel, panel_from_long
from territori.analytics.projection import project
from territori.analytics.trends import Assessment, eurostat_assess, istat_assess, opensdg_assess
from territori.io.coherence import read_square_grid

INPUT_COLUMNS = ["indicator", "territory", "year", "value"]
ASSESS_KEYS = [
    "indicator",
    "territory",
    "method",
    "window",
    "start_year",
    "end_year",
    "cagr",
    "required_cagr",
    "ratio",
    "status",
]
PROJECT_KEYS = ["indicator", "territory", "method", "value", "lower", "upper", "gap_closure"]


class InputError(Exception):
    """A problem in an input file: names the file, the row (file line) and the column."""

    def __init__(self, path: str, message: str, row: int | None = None, column: str = "") -> None:
        where = [Path(path).name]
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


def _read_frame(path: str) -> pd.DataFrame:
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
        bad |= text == ""
    if bad.any():
        position = int(np.argmax(bad.to_numpy()))
        kind = "a whole number (year)" if integer else "a number"
        raise InputError(path, f"not {kind}: {text.iloc[position]!r}", position + 2, column)
    return numbers


def read_observations(path: str) -> pd.DataFrame:
    frame = _columns(_read_frame(path), path, INPUT_COLUMNS)
    for key in ("indicator", "territory"):
        blank = frame[key].astype(str).str.strip() == ""
        if blank.any():
            raise InputError(path, "empty value", int(np.argmax(blank.to_numpy())) + 2, key)
    data = pd.DataFrame(
        {
            "indicator": frame["indicator"].astype(str).str.strip(),
            "territory": frame["territory"].astype(str).str.strip(),
            "year": _numbers(frame, path, "year", integer=True).astype("int64"),
            "value": _numbers(frame, path, "value"),
        }
    )
    duplicated = data.duplicated(["indicator", "territory", "year"], keep=False)
    if duplicated.any():
        rows = [int(i) + 2 for i in np.nonzero(duplicated.to_numpy())[0]]
        first = data.iloc[rows[0] - 2]
        raise InputError(
            path,
            f"duplicate indicator × territory × year ({first['indicator']}, "
            f"{first['territory']}, {first['year']}) also on row(s) "
            + ", ".join(str(r) for r in rows[1:5]),
            rows[0],
            "year",
        )
    return data.dropna(subset=["value"]).reset_index(drop=True)


def read_meta(path: str | None, indicators: Sequence[str], *, required: bool) -> pd.DataFrame:
    codes = sorted(set(indicators))
    if path is None:
        if required:
            raise InputError("META", "--meta is required (indicator, polarity)")
        sys.stderr.write("note: no --meta given; every indicator assumed higher-is-better\n")
        return pd.DataFrame(
            {
                "indicator": codes,
                "polarity": 1.0,
                "target": np.nan,
                "target_year": np.nan,
                "limit": np.nan,
            }
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
    for optional in ("target", "target_year", "limit"):
        meta[optional] = _numbers(frame, path, optional) if optional in frame.columns else np.nan
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


def _per_series(panel: Panel, meta: pd.DataFrame, column: str) -> np.ndarray:
    return meta[column].reindex(panel.keys["indicator"]).to_numpy(dtype=np.float64)


def _clean(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if value is pd.NA:
        return None
    return value


def _emit(records: list[dict[str, Any]], keys: list[str], output_format: str) -> None:
    if output_format == "json":
        json.dump([{k: _clean(r[k]) for k in keys} for r in records], sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    frame = pd.DataFrame([{k: _clean(r[k]) for k in keys} for r in records], columns=keys)
    frame.to_csv(sys.stdout, index=False, lineterminator="\n")


def _assessment_records(panel: Panel, result: Assessment, extra: list[str]) -> list[dict[str, Any]]:
    frame = result.to_frame()
    frame.insert(0, "territory", panel.keys["territory"].to_numpy())
    frame.insert(0, "indicator", panel.keys["indicator"].to_numpy())
    return [
        {str(k): v for k, v in row.items()}
        for row in frame[[*ASSESS_KEYS, *extra]].to_dict("records")
    ]


def assess(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori assess", description="Assess the trend of every indicator × territory."
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--meta", metavar="META")
    parser.add_argument("--method", choices=["eurostat", "istat", "opensdg"], default="eurostat")
    parser.add_argument("--format", choices=["json", "csv"], default="json", dest="output_format")
    parser.add_argument("--explain", action="store_true", help="add a 'reason' key")
    args = parser.parse_args(argv)
    data = read_observations(args.input)
    meta = read_meta(args.meta, data["indicator"].tolist(), required=False)
    panel = panel_from_long(data, keys=["indicator", "territory"])
    polarity = _per_series(panel, meta, "polarity")
    target, target_year = (
        _per_series(panel, meta, "target"),
        _per_series(panel, meta, "target_year"),
    )
    extra = ["reason"] if args.explain else []
    records: list[dict[str, Any]] = []
    if args.method == "eurostat":
        results = [
            eurostat_assess(
                panel.values,
                panel.years,
                polarity=polarity,
                target=target,
                target_year=target_year,
                window=window,
            )
            for window in ("long", "short")
        ]
        per_window = [_assessment_records(panel, r, extra) for r in results]
        for long, short in zip(*per_window, strict=True):
            records.extend([long, short])
    elif args.method == "istat":
        result = istat_assess(panel.values, panel.years, polarity=polarity)
        records = _assessment_records(panel, result, extra)
    else:
        result = opensdg_assess(
            panel.values,
            panel.years,
            polarity=polarity,
            target=target,
            target_year=target_year,
            limit=_per_series(panel, meta, "limit"),
        )
        extra = ["score", *extra]
        records = _assessment_records(panel, result, extra)
    _emit(records, [*ASSESS_KEYS, *extra], args.output_format)
    return 0


def composite_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori composite", description="Composite index per territory and year."
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--meta", metavar="META", required=True)
    parser.add_argument("--method", choices=["ampi", "ampi+", "minmax", "zscore"], required=True)
    parser.add_argument("--reference", metavar="TERRITORY:YEAR", required=True)
    parser.add_argument("--format", choices=["json", "csv"], default="json", dest="output_format")
    args = parser.parse_args(argv)
    territory, sep, year_text = args.reference.rpartition(":")
    if not sep or not territory or not year_text.strip().isdigit():
        parser.error(f"--reference must be TERRITORY:YEAR, not {args.reference!r}")
    data = read_observations(args.input)
    meta = read_meta(args.meta, data["indicator"].tolist(), required=True)
    indicators = sorted(data["indicator"].unique())
    territories = sorted(data["territory"].unique())
    years = np.arange(int(data["year"].min()), int(data["year"].max()) + 1)
    cube = np.full((len(indicators), len(territories), len(years)), np.nan)
    i = pd.Index(indicators).get_indexer(data["indicator"])
    t = pd.Index(territories).get_indexer(data["territory"])
    cube[i, t, data["year"].to_numpy() - years[0]] = data["value"].to_numpy()
    if territory not in territories or not (years[0] <= int(year_text) <= years[-1]):
        raise InputError(args.input, f"the reference {args.reference} has no data in the file")
    reference = (territories.index(territory), int(year_text) - int(years[0]))
    try:
        result = composite(
            cube,
            polarity=meta["polarity"].reindex(indicators).to_numpy(dtype=np.float64),
            method=args.method,
            reference=reference,
        )
    except ValueError as exc:
        raise InputError(args.input, str(exc)) from exc
    present = np.isfinite(cube).any(axis=0)
    records = [
        {"territory": territories[u], "year": int(years[y]), "value": result[u, y]}
        for u, y in zip(*np.nonzero(present), strict=True)
    ]
    _emit(records, ["territory", "year", "value"], args.output_format)
    return 0


def project_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="territori project", description="Project every series to a target year."
    )
    parser.add_argument("input", metavar="INPUT")
    parser.add_argument("--meta", metavar="META")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--method", choices=["cagr", "linear", "both"], default="both")
    parser.add_argument("--window", type=int, help="fit on the last N years only")
    parser.add_argument("--format", choices=["json", "csv"], default="json", dest="output_format")
    args = parser.parse_args(argv)
    if args.window is not None and args.window < 2:
        parser.error("--window must be at least 2 years")
    data = read_observations(args.input)
    meta = read_meta(args.meta, data["indicator"].tolist(), required=False)
    panel = panel_from_long(data, keys=["indicator", "territory"])
    target = _per_series(panel, meta, "target")
    methods = ["cagr", "linear"] if args.method == "both" else [args.method]
    per_method = []
    for method in methods:
        frame = project(
            panel.values,
            panel.years,
            year=args.year,
            method=method,
            target=target,
            window=args.window,
        ).to_frame()
        frame.insert(0, "territory", panel.keys["territory"].to_numpy())
        frame.insert(0, "indicator", panel.keys["indicator"].to_numpy())
        per_method.append(frame[PROJECT_KEYS].to_dict("records"))
    records = [row for rows in zip(*per_method, strict=True) for row in rows]
    _emit(records, PROJECT_KEYS, args.output_format)
    return 0


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
        _emit(records, NODE_KEYS, "csv")
        return 0
    body = {
        "nodes": records,
        "warnings": [[row, column, score] for row, column, score in metrics.warnings],
        "clusters": metrics.clusters,
    }
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return 0


COMMANDS = {
    "assess": assess,
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
