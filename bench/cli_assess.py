"""Benchmark: the whole `territori assess | project | composite` process on a big file.

Generates its own Parquet file (default 1,000,000 series: 1,000 indicators × 1,000
territories × 16 years = 16 million rows, 5 % of the values null), runs each command as a
subprocess (reading, computing and writing CSV, JSON and Parquet), and prints wall time and
the child's peak memory. In the same run it times a plain pandas groupby-apply of the same
Eurostat assessment on a sample of the series and prints the speed ratio per series.

    python bench/cli_assess.py                    # 1M series
    python bench/cli_assess.py --indicators 100   # 100,000 series, a quick run
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TERRITORI = [sys.executable, "-m", "territori.cli.main"]


def generate(path: Path, n_indicators: int, n_territories: int, years: np.ndarray) -> int:
    """Write the file in row groups (one per 50 indicators) so generating it stays small."""
    rng = np.random.default_rng(7)
    territories = np.array([f"T{t:05d}" for t in range(n_territories)], dtype=object)
    writer = None
    rows = 0
    for first in range(0, n_indicators, 50):
        block = range(first, min(first + 50, n_indicators))
        n = len(block) * n_territories
        level = rng.uniform(1, 100, n)[:, None]
        growth = rng.normal(0, 0.03, n)[:, None]
        noise = rng.normal(1, 0.02, (n, len(years)))
        values = (level * (1 + growth) ** (years - years[0]) * noise).ravel()
        mask = rng.random((n, len(years))) < 0.05
        mask[::n_territories] = False  # the first territory complete: the composite's reference
        mask = mask.ravel()
        table = pa.table(
            {
                "indicator": pa.array(
                    np.repeat([f"I{i:04d}" for i in block], n_territories * len(years))
                ),
                "territory": pa.array(np.tile(np.repeat(territories, len(years)), len(block))),
                "year": pa.array(np.tile(years, n), type=pa.int64()),
                "value": pa.array(values, mask=mask, type=pa.float64()),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        rows += table.num_rows
    assert writer is not None
    writer.close()
    return rows


def meta(path: Path, n_indicators: int) -> None:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "indicator": [f"I{i:04d}" for i in range(n_indicators)],
            "polarity": rng.choice([1, -1], n_indicators),
            "target": np.where(rng.random(n_indicators) < 0.3, 80.0, np.nan),
        }
    )
    frame["target_year"] = np.where(frame["target"].notna(), 2030, np.nan)
    frame.to_csv(path, index=False)


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and the child's peak memory (MB) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [*TERRITORI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        assert process.stderr is not None
        raise SystemExit(f"territori {' '.join(args)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def baseline(path: Path, sample: int) -> float:
    """Seconds per series of a pandas groupby-apply Eurostat long-term assessment (the same
    baseline as bench/assess_panel.py), on the file's first `sample` series."""
    from assess_panel import baseline_eurostat  # bench/ is on the path when run as a script

    table = pq.read_table(path).slice(0, sample * 16).to_pandas()
    table["series"] = table["indicator"].astype(str) + "|" + table["territory"].astype(str)
    started = time.perf_counter()
    result = baseline_eurostat(table[["series", "year", "value"]])
    return (time.perf_counter() - started) / len(result)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--territories", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=20_000, help="series for the baseline")
    options = parser.parse_args()
    years = np.arange(2009, 2025)
    n_series = options.indicators * options.territories
    with tempfile.TemporaryDirectory() as folder:
        data, meta_path, out = (
            Path(folder) / "data.parquet",
            Path(folder) / "meta.csv",
            Path(folder),
        )
        started = time.perf_counter()
        rows = generate(data, options.indicators, options.territories, years)
        meta(meta_path, options.indicators)
        print(
            f"file: {n_series:,} series, {rows:,} rows of Parquet "
            f"({data.stat().st_size / 1e6:.0f} MB), made in {time.perf_counter() - started:.1f} s"
        )
        per_series = baseline(data, min(options.sample, n_series))
        print(f"pandas groupby-apply (Eurostat, long term): {per_series * 1e6:.1f} µs a series")
        commands = [
            ("assess eurostat → CSV", ["assess", str(data), "--meta", str(meta_path),
                                        "--format", "csv", "--output", str(out / "a.csv")]),
            ("assess eurostat → JSON", ["assess", str(data), "--meta", str(meta_path),
                                         "--output", str(out / "a.json")]),
            ("assess opensdg → Parquet", ["assess", str(data), "--meta", str(meta_path),
                                           "--method", "opensdg", "--format", "parquet",
                                           "--output", str(out / "a.parquet")]),
            ("project 2030 → Parquet", ["project", str(data), "--meta", str(meta_path),
                                         "--year", "2030", "--format", "parquet",
                                         "--output", str(out / "p.parquet")]),
            ("composite ampi → CSV", ["composite", str(data), "--meta", str(meta_path),
                                       "--method", "ampi", "--reference", "T00000:2015",
                                       "--format", "csv", "--output", str(out / "c.csv")]),
        ]  # fmt: skip
        for label, args in commands:
            seconds, peak = run(args)
            ratio = per_series / (seconds / n_series)
            print(
                f"{label:28} {seconds:7.1f} s  {seconds / n_series * 1e6:6.2f} µs a series  "
                f"peak {peak:,.0f} MB  {ratio:,.0f}× the groupby-apply"
            )


if __name__ == "__main__":
    main()
