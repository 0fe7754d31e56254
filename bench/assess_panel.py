"""Benchmark: assess a synthetic national panel with all three methods plus projections.

Default size: 7,900 territories × 500 indicators × 20 years (79 million observations).
Prints wall time, peak memory and series per second, then times a plain pandas
groupby-apply Eurostat assessment on a 1 % sample and prints the speed ratio per series.

    python bench/assess_panel.py                      # the full panel
    python bench/assess_panel.py --territories 790 --indicators 50   # a quick run
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from territori.analytics.projection import project
from territori.analytics.trends import eurostat_assess, istat_assess, opensdg_assess


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_panel(n_series: int, years: np.ndarray, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.empty((n_series, len(years)))
    chunk = 500_000
    for start in range(0, n_series, chunk):
        stop = min(start + chunk, n_series)
        level = rng.uniform(1, 100, stop - start)[:, None]
        growth = rng.normal(0, 0.03, stop - start)[:, None]
        noise = rng.normal(1, 0.02, (stop - start, len(years)))
        values[start:stop] = level * (1 + growth) ** (years - years[0]) * noise
    gaps = rng.random(values.shape) < 0.05  # 5 % missing values
    values[gaps] = np.nan
    return values


def baseline_eurostat(frame: pd.DataFrame) -> pd.Series:
    """The same long-term Eurostat assessment, one series at a time (groupby-apply)."""

    def one(group: pd.DataFrame) -> str:
        data = group.dropna(subset=["value"]).sort_values("year")
        if len(data) < 2:
            return "not_assessable"
        end_year = data["year"].iloc[-1]
        window = data[data["year"] >= end_year - 15]
        start_year, start, end = (
            window["year"].iloc[0],
            window["value"].iloc[0],
            window["value"].iloc[-1],
        )
        if end_year - start_year < 10 or start == 0 or np.sign(start) != np.sign(end):
            return "not_assessable"
        p = (end / start) ** (1 / (end_year - start_year)) - 1
        if p >= 0.01:
            return "significant_progress"
        if p >= 0:
            return "moderate_progress"
        return "moderate_movement_away" if p > -0.01 else "significant_movement_away"

    return frame.groupby("series").apply(one, include_groups=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--territories", type=int, default=7900)
    parser.add_argument("--indicators", type=int, default=500)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--sample", type=float, default=0.01, help="baseline sample share")
    args = parser.parse_args()
    years = np.arange(2025 - args.years, 2025)
    n_series = args.territories * args.indicators
    print(f"panel: {args.territories:,} territories × {args.indicators:,} indicators × "
          f"{args.years} years = {n_series * args.years:,} observations")  # fmt: skip
    started = time.perf_counter()
    values = synthetic_panel(n_series, years)
    print(f"built in {time.perf_counter() - started:.1f} s")
    polarity = np.where(np.arange(n_series) % 2 == 0, 1.0, -1.0)
    target = np.where(np.arange(n_series) % 3 == 0, 120.0, np.nan)
    target_year = np.where(np.isfinite(target), 2030.0, np.nan)
    timings = {}
    started = time.perf_counter()
    for name, call in [
        ("eurostat long", lambda: eurostat_assess(values, years, polarity=polarity, target=target, target_year=target_year, window="long")),
        ("eurostat short", lambda: eurostat_assess(values, years, polarity=polarity, target=target, target_year=target_year, window="short")),
        ("istat", lambda: istat_assess(values, years, polarity=polarity)),
        ("opensdg", lambda: opensdg_assess(values, years, polarity=polarity, target=target, target_year=target_year)),
        ("projection cagr", lambda: project(values, years, year=2030, method="cagr", target=target)),
        ("projection linear", lambda: project(values, years, year=2030, method="linear", target=target)),
    ]:  # fmt: skip
        step = time.perf_counter()
        call()
        timings[name] = time.perf_counter() - step
    total = time.perf_counter() - started
    for name, seconds in timings.items():
        print(f"  {name:<18} {seconds:7.2f} s  {n_series / seconds:14,.0f} series/s")
    print(f"all methods: {total:.1f} s wall, peak memory {peak_memory_mb():,.0f} MB, "
          f"{n_series * len(timings) / total:,.0f} series-assessments/s")  # fmt: skip
    sample = max(1, int(n_series * args.sample))
    rows = np.repeat(np.arange(sample), len(years))
    frame = pd.DataFrame(
        {"series": rows, "year": np.tile(years, sample), "value": values[:sample].ravel()}
    )
    step = time.perf_counter()
    baseline_eurostat(frame)
    baseline = (time.perf_counter() - step) / sample
    vectorised = timings["eurostat long"] / n_series
    print(f"baseline groupby-apply on {sample:,} series: {baseline * 1e6:.1f} µs/series; "
          f"vectorised: {vectorised * 1e6:.3f} µs/series; ratio {baseline / vectorised:,.0f}×")  # fmt: skip


if __name__ == "__main__":
    main()
