"""Projection of every series to a target year and gap closure (methods.md §5).

Two methods: compound growth from the window's first to last value ("cagr"), and an ordinary
least-squares line over the window with its prediction interval ("linear").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territori.lazy import lazy_module

from .panel import FloatArray, IntArray, first_valid_index, last_valid_index, take
from .trends import as_array, cagr

if TYPE_CHECKING:
    import pandas as pd
    from scipy import stats
else:
    pd = lazy_module("pandas")
    stats = lazy_module("scipy.stats")


METHODS = ("cagr", "linear")
GAP_STATUSES = ("", "on_track", "partial", "off_track", "achieved")


@dataclass(frozen=True, slots=True)
class Projection:
    method: str
    year: int
    start_year: FloatArray
    start_value: FloatArray
    end_year: FloatArray
    end_value: FloatArray
    value: FloatArray
    lower: FloatArray  # NaN where no interval (cagr, or fewer than 3 points)
    upper: FloatArray
    gap_closure: FloatArray  # NaN without a target
    gap_status: np.ndarray  # on_track, partial, off_track, achieved, or ""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "method": self.method,
                "year": self.year,
                "start_year": pd.array(self.start_year, dtype="Int64"),
                "end_year": pd.array(self.end_year, dtype="Int64"),
                "value": self.value,
                "lower": self.lower,
                "upper": self.upper,
                "gap_closure": self.gap_closure,
                "gap_status": self.gap_status,
            }
        )


def _window_mask(values: FloatArray, window: int | None) -> np.ndarray:
    """Cells inside each series' window: the last `window` years up to its latest value."""
    has = np.isfinite(values)
    if window is None:
        return np.asarray(has)
    end = last_valid_index(has)
    columns = np.arange(values.shape[1])
    inside: np.ndarray = (
        has & (columns[None, :] > (end - window)[:, None]) & (columns[None, :] <= end[:, None])
    )
    return inside


def gap_closure(
    projected: FloatArray, start_value: FloatArray, target: FloatArray
) -> tuple[FloatArray, np.ndarray]:
    """G = (v(Y) - y(t0)) / (V - y(t0)) and its class.

    A projected value within one point of a 0 or 100 target counts as achieved (G = 1).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (projected - start_value) / (target - start_value)
    g = np.where(np.isfinite(target) & (target != start_value), g, np.nan)
    near_bound = np.isfinite(target) & np.isin(target, (0.0, 100.0))
    achieved = near_bound & (np.abs(projected - target) <= 1.0)
    g = np.where(achieved, 1.0, g)
    codes = np.select(
        [achieved, ~np.isfinite(g), g >= 0.95, g >= 0.10], [4, 0, 1, 2], default=3
    ).astype(np.int8)
    return g, np.asarray(GAP_STATUSES, dtype=object)[codes]


def _linear_fit(
    values: FloatArray, mask: np.ndarray, years_f: FloatArray, year: int, level: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """OLS line per row over the masked cells: projected value, interval half-width, count.

    The sums are accumulated one year column at a time (about 20 vectors), so no matrix of the
    panel's size is built. Years are taken from the first column and values from each row's
    first value in the window, which keeps the sums of squares free of cancellation.
    """
    n = values.shape[0]
    count = np.zeros(n)
    sx, sy, sxx, sxy, syy = (np.zeros(n) for _ in range(5))
    shift = take(values, first_valid_index(mask))
    shift = np.where(np.isfinite(shift), shift, 0.0)
    origin = years_f[0] if years_f.size else 0.0
    for j in range(values.shape[1]):
        inside = mask[:, j]
        x = years_f[j] - origin
        y = np.where(inside, values[:, j] - shift, 0.0)
        count += inside
        sx += inside * x
        sy += y
        sxx += inside * (x * x)
        sxy += y * x
        syy += y * y
    with np.errstate(divide="ignore", invalid="ignore"):
        x_mean = sx / count
        y_mean = sy / count
        cxx = sxx - sx * x_mean
        cxy = sxy - sx * y_mean
        cyy = syy - sy * y_mean
        slope = cxy / cxx
        intercept = y_mean - slope * x_mean
        value = np.where(count >= 2, shift + intercept + slope * (year - origin), np.nan)
        dof = count - 2
        sse = np.maximum(cyy - slope * cxy, 0.0)
        s = np.sqrt(sse / dof)
        t_crit = stats.t.ppf(0.5 + level / 2, np.where(dof > 0, dof, 1))
        half = t_crit * s * np.sqrt(1 + 1 / count + (year - origin - x_mean) ** 2 / cxx)
    return value, half, count


def project(
    values: FloatArray,
    years: IntArray,
    *,
    year: int,
    method: str = "cagr",
    target: FloatArray | float | None = None,
    window: int | None = None,
    level: float = 0.95,
) -> Projection:
    """Every series projected to `year`; `window` limits the fit to the last N years."""
    if method not in METHODS:
        raise ValueError(f"unknown projection method '{method}': use cagr or linear")
    n = values.shape[0]
    target_v = as_array(target, n)
    mask = _window_mask(values, window)
    start, end = first_valid_index(mask), last_valid_index(mask)
    masked = np.where(mask, values, np.nan)
    y0, y1 = take(masked, start), take(masked, end)
    years_f = years.astype(np.float64)
    t0 = np.where(start >= 0, years_f[np.clip(start, 0, None)] if years.size else np.nan, np.nan)
    t1 = np.where(end >= 0, years_f[np.clip(end, 0, None)] if years.size else np.nan, np.nan)
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    if method == "cagr":
        rate, _reason = cagr(y0, y1, t1 - t0)
        value = y1 * np.power(1 + rate, year - t1)
    else:
        value, half, count = _linear_fit(values, mask, years_f, year, level)
        has_interval = (count >= 3) & np.isfinite(half)
        lower = np.where(has_interval, value - half, np.nan)
        upper = np.where(has_interval, value + half, np.nan)
    g, status = gap_closure(value, y0, target_v)
    return Projection(
        method=method,
        year=year,
        start_year=t0,
        start_value=y0,
        end_year=t1,
        end_value=y1,
        value=value,
        lower=lower,
        upper=upper,
        gap_closure=g,
        gap_status=status,
    )
