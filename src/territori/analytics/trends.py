"""Trend assessment of many series at once: growth rates, Eurostat, ISTAT and Open SDG.

Methods and thresholds: `shared/reference/methods.md` sections 1-4. Inputs are a panel's
value matrix (series × contiguous years), the years, and per-series arrays of polarity
(+1 higher is better, -1 lower is better), target value and year (NaN = no target) and
natural limit (NaN = none). Outputs are frozen dataclasses of arrays, one entry per series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territori.lazy import lazy_module

from .panel import FloatArray, IntArray, first_valid_index, last_valid_index, next_valid_index, take

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


# Why a series is not assessable (0 = it is).
OK = 0
TOO_FEW_VALUES = 1
WINDOW_TOO_SHORT = 2
DIFFERENT_SIGN = 3
ZERO_START = 4
TARGET_YEAR_PASSED = 5
REASONS = {
    OK: "",
    TOO_FEW_VALUES: "fewer than two values in the window",
    WINDOW_TOO_SHORT: "the window spans too few years",
    DIFFERENT_SIGN: "start and end values have different signs",
    ZERO_START: "the start value is zero",
    TARGET_YEAR_PASSED: "the target year is not after the start year",
}

EUROSTAT_STATUSES = (
    "not_assessable",
    "significant_progress",
    "moderate_progress",
    "insufficient_progress",
    "moderate_movement_away",
    "significant_movement_away",
    "movement_away",
    "target_met",
)
ISTAT_STATUSES = (
    "not_assessable",
    "strong_improvement",
    "improvement",
    "stable",
    "worsening",
    "strong_worsening",
)
OPENSDG_STATUSES = (
    "not_assessable",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "target_achieved",
)

#: Eurostat windows: (years back from the latest year, minimum span in years).
EUROSTAT_WINDOWS = {"long": (15, 10), "short": (5, 3)}
#: ISTAT windows: "full" (first to latest year), or the latest against one year / ten years
#: before (both years must have data).
ISTAT_WINDOWS = ("full", "previous", "ten_years")
OPENSDG_BASE_YEAR = 2015
#: sdg-build replaces a target of 0 and a base value of 0 by this (no division by zero)
OPENSDG_ZERO = 0.001
OPENSDG_HIGH, OPENSDG_MEDIUM = 0.015, 0.005
LIMIT_EXPONENT = 4.44
#: Eurostat: share of the required pace for significant and moderate progress (with a
#: target), then any progress; and the growth rate that separates significant from moderate
#: movement without a target (methods.md §2).
EUROSTAT_RATIO_THRESHOLDS = (0.95, 0.6, 0.0)
EUROSTAT_RATE_THRESHOLD = 0.01
#: ISTAT: growth rates of strong and plain change (methods.md §3).
ISTAT_RATE_THRESHOLDS = (0.05, 0.01)


@dataclass(frozen=True, slots=True)
class Assessment:
    """One assessment per series: window, growth, and the status as a word."""

    method: str
    window: str
    start_year: FloatArray  # NaN where there is no window
    end_year: FloatArray
    start_value: FloatArray
    end_value: FloatArray
    cagr: FloatArray  # as a fraction (0.01 = 1 %/yr), NaN where not defined
    required_cagr: FloatArray
    ratio: FloatArray
    score: FloatArray  # Open SDG only; NaN elsewhere
    status: np.ndarray  # strings
    reason: np.ndarray  # strings, empty when assessable

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "method": self.method,
                "window": self.window,
                "start_year": pd.array(self.start_year, dtype="Int64"),
                "end_year": pd.array(self.end_year, dtype="Int64"),
                "start_value": self.start_value,
                "end_value": self.end_value,
                "cagr": self.cagr,
                "required_cagr": self.required_cagr,
                "ratio": self.ratio,
                "score": self.score,
                "status": self.status,
                "reason": self.reason,
            }
        )


def as_array(value: FloatArray | float | None, n: int) -> FloatArray:
    if value is None:
        return np.full(n, np.nan)
    array = np.asarray(value, dtype=np.float64)
    return np.broadcast_to(array, (n,)).astype(np.float64) if array.ndim == 0 else array


def cagr(start: FloatArray, end: FloatArray, span: FloatArray) -> tuple[FloatArray, np.ndarray]:
    """Compound annual growth rate and the reason code where it is not defined."""
    start = np.asarray(start, dtype=np.float64)
    end = np.asarray(end, dtype=np.float64)
    span = np.asarray(span, dtype=np.float64)
    reason = np.zeros(start.shape, dtype=np.int8)
    reason[~(np.isfinite(start) & np.isfinite(end) & (span > 0))] = TOO_FEW_VALUES
    reason[(reason == OK) & (start == 0)] = ZERO_START
    # opposite signs have no rate; an end of zero is a fall of 100 % (rate -1)
    reason[(reason == OK) & (np.sign(start) * np.sign(end) < 0)] = DIFFERENT_SIGN
    ok = reason == OK
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ok, end / np.where(ok, start, 1.0), np.nan)
        rate = np.where(ok, np.power(ratio, 1.0 / np.where(ok, span, 1.0)) - 1.0, np.nan)
    return rate, reason


def directed(rate: FloatArray, start: FloatArray, polarity: FloatArray) -> FloatArray:
    """Growth in the desired direction: the CAGR times the polarity and the sign of the start
    value, so that a negative series moving the right way (-10 to -8 where higher is better)
    scores as progress, as Open SDG does (methods.md §1)."""
    sign = np.where(np.isfinite(start) & (start < 0), -1.0, 1.0)
    return _stable(sign * polarity * rate)


def _stable(x: FloatArray) -> FloatArray:
    """Round away floating-point noise so that values on a threshold classify as written."""
    return np.round(x, 12)


def _label(codes: np.ndarray, words: tuple[str, ...]) -> np.ndarray:
    labels: np.ndarray = np.asarray(words, dtype=object)[codes]
    return labels


def _reason_words(reason: np.ndarray) -> np.ndarray:
    table = np.asarray([REASONS[i] for i in range(len(REASONS))], dtype=object)
    words: np.ndarray = table[reason]
    return words


def _window(
    values: FloatArray, years: IntArray, back: int | None, min_span: int, exact: bool = False
) -> tuple[IntArray, IntArray, np.ndarray]:
    """Start and end columns of each series' window and the reason code where it has none.

    back=None: from the first value. Otherwise the start is `back` years before the latest
    year with data, or (unless `exact`) the nearest later year with data.
    """
    has = np.isfinite(values)
    end = last_valid_index(has)
    if back is None:
        start = first_valid_index(has)
    else:
        wanted = end - back
        if exact:
            start = np.where((wanted >= 0) & np.isfinite(take(values, wanted)), wanted, -1)
        else:
            start = take_int(next_valid_index(has), np.clip(wanted, 0, None))
    reason = np.zeros(values.shape[0], dtype=np.int8)
    empty = (end < 0) | (start < 0) | (start >= end) | (start >= values.shape[1])
    reason[empty] = TOO_FEW_VALUES
    span = np.where(empty, 0, end - start)
    reason[(reason == OK) & (span < min_span)] = WINDOW_TOO_SHORT
    return start, end, reason


def take_int(matrix: IntArray, columns: IntArray) -> IntArray:
    if matrix.shape[1] == 0:
        return np.full(matrix.shape[0], -1, dtype=np.int64)
    picked: np.ndarray = matrix[
        np.arange(matrix.shape[0]), np.clip(columns, 0, matrix.shape[1] - 1)
    ]
    return picked


def _year(years: IntArray, column: IntArray, reason: np.ndarray) -> FloatArray:
    if years.size == 0:
        return np.full(column.shape, np.nan)
    return np.where(reason != TOO_FEW_VALUES, years[np.clip(column, 0, len(years) - 1)], np.nan)


def _required(
    start_value: FloatArray, start_year: FloatArray, target: FloatArray, target_year: FloatArray
) -> tuple[FloatArray, np.ndarray]:
    """CAGR needed from the window's start to reach the target in the target year."""
    span = target_year - start_year
    rate, reason = cagr(start_value, target, np.where(span > 0, span, np.nan))
    reason = np.where(np.isfinite(target_year) & ~(span > 0), TARGET_YEAR_PASSED, reason)
    return rate, reason


def eurostat_assess(
    values: FloatArray,
    years: IntArray,
    *,
    polarity: FloatArray | float,
    target: FloatArray | float | None = None,
    target_year: FloatArray | float | None = None,
    window: str = "long",
) -> Assessment:
    """The EU SDG monitoring report's assessment of every series (methods.md §2)."""
    if window not in EUROSTAT_WINDOWS:
        raise ValueError(f"unknown Eurostat window '{window}': use long or short")
    n = values.shape[0]
    d = as_array(polarity, n)
    target_v, target_y = as_array(target, n), as_array(target_year, n)
    back, min_span = EUROSTAT_WINDOWS[window]
    start, end, reason = _window(values, years, back, min_span)
    y0, y1 = take(values, start), take(values, end)
    t0, t1 = _year(years, start, reason), _year(years, end, reason)
    rate, growth_reason = cagr(y0, y1, t1 - t0)
    reason = np.where(reason == OK, growth_reason, reason)
    p = directed(rate, y0, d)
    status = np.zeros(n, dtype=np.int8)
    # Without a target: on the direction-adjusted growth.
    rate_step = EUROSTAT_RATE_THRESHOLD
    status[p >= rate_step] = 1
    status[(p >= 0) & (p < rate_step)] = 2
    status[(p < 0) & (p > -rate_step)] = 4
    status[p <= -rate_step] = 5
    has_target = np.isfinite(target_v) & np.isfinite(target_y)
    required, required_reason = _required(y0, t0, target_v, target_y)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = _stable(np.where(has_target & (required != 0), rate / required, np.nan))
    met_now = has_target & (d * (y1 - target_v) >= 0)
    met_at_start = has_target & (d * (target_v - y0) <= 0)
    target_rows = has_target & (reason == OK)
    status[target_rows] = 6  # movement away, unless one of the cases below
    significant, moderate, some = EUROSTAT_RATIO_THRESHOLDS
    status[target_rows & (ratio >= some)] = 3
    status[target_rows & (ratio >= moderate)] = 2
    status[target_rows & (ratio >= significant)] = 1
    status[target_rows & met_at_start & ~met_now] = 6
    status[has_target & met_now & np.isfinite(y1)] = 7
    not_ok = (reason != OK) & (status != 7)
    target_unusable = target_rows & ~met_now & ~met_at_start & (required_reason != OK)
    reason = np.where(target_unusable, required_reason, reason)
    not_ok |= target_unusable
    status[not_ok] = 0
    return Assessment(
        method="eurostat",
        window=window,
        start_year=t0,
        end_year=t1,
        start_value=y0,
        end_value=y1,
        cagr=rate,
        required_cagr=np.where(has_target, required, np.nan),
        ratio=np.where(target_rows & ~met_now, ratio, np.nan),
        score=np.full(n, np.nan),
        status=_label(status, EUROSTAT_STATUSES),
        reason=_reason_words(np.where(status == 7, OK, reason)),
    )


def istat_assess(
    values: FloatArray,
    years: IntArray,
    *,
    polarity: FloatArray | float,
    window: str = "full",
) -> Assessment:
    """ISTAT's classes (Rapporto SDGs, methods.md §3) on the direction-adjusted CAGR."""
    if window not in ISTAT_WINDOWS:
        raise ValueError(f"unknown ISTAT window '{window}': use one of {ISTAT_WINDOWS}")
    n = values.shape[0]
    d = as_array(polarity, n)
    if window == "full":
        start, end, reason = _window(values, years, None, 1)
    else:
        start, end, reason = _window(
            values, years, 1 if window == "previous" else 10, 1, exact=True
        )
    y0, y1 = take(values, start), take(values, end)
    t0, t1 = _year(years, start, reason), _year(years, end, reason)
    rate, growth_reason = cagr(y0, y1, t1 - t0)
    reason = np.where(reason == OK, growth_reason, reason)
    p = directed(rate, y0, d)
    status = np.zeros(n, dtype=np.int8)
    strong, plain = ISTAT_RATE_THRESHOLDS
    status[p > strong] = 1
    status[(p > plain) & (p <= strong)] = 2
    status[(p >= -plain) & (p <= plain)] = 3
    status[(p >= -strong) & (p < -plain)] = 4
    status[p < -strong] = 5
    status[reason != OK] = 0
    nan = np.full(n, np.nan)
    return Assessment(
        method="istat",
        window=window,
        start_year=t0,
        end_year=t1,
        start_value=y0,
        end_value=y1,
        cagr=rate,
        required_cagr=nan,
        ratio=nan.copy(),
        score=nan.copy(),
        status=_label(status, ISTAT_STATUSES),
        reason=_reason_words(reason),
    )


def limit_adjustment(base: FloatArray, limit: FloatArray) -> FloatArray:
    """Open SDG's C: scales the positive thresholds near a natural limit (1 without one); 0
    when the base value is at the limit."""
    b = np.abs(base)
    lim = np.abs(limit)
    c = np.ones_like(b)
    has = np.isfinite(lim) & (lim > 0) & np.isfinite(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        below = has & (b <= lim)
        between = has & (b > lim) & (b <= 2 * lim)
        c = np.where(below, 1 - np.power(b / lim, LIMIT_EXPONENT), c)
        c = np.where(between, 1 - np.power((2 * lim - b) / lim, LIMIT_EXPONENT), c)
    adjusted: np.ndarray = np.clip(c, 0.0, 1.0)
    return adjusted


def opensdg_score_no_target(p: FloatArray, c: FloatArray) -> FloatArray:
    """Score without a target; at the limit (C = 0) any movement that is not away scores +5,
    as in sdg-build (its thresholds become 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(c > 0, p / np.where(c > 0, c, 1.0), np.where(p >= 0, np.inf, -np.inf))
    return np.select(
        [p < 0, q >= OPENSDG_HIGH, q >= OPENSDG_MEDIUM],
        [
            np.maximum(125 * p - 2.5, -5.0),
            np.minimum(500 * q - 5, 5.0),
            250 * q - 1.25,
        ],
        default=500 * q - 2.5,
    )


def opensdg_score_target(ratio: FloatArray) -> FloatArray:
    return np.where(
        ratio >= 0.6,
        np.minimum(7.1429 * ratio - 4.2857, 5.0),
        np.maximum(4.1667 * ratio - 2.5, -5.0),
    )


def opensdg_status_from_score(score: FloatArray) -> np.ndarray:
    """Status of a (mean) score: used for one series and to aggregate several."""
    codes = np.select(
        [~np.isfinite(score), score >= 2.5, score >= 0, score >= -2.5], [0, 1, 2, 3], default=4
    )
    return _label(codes.astype(np.int8), OPENSDG_STATUSES)


def opensdg_assess(
    values: FloatArray,
    years: IntArray,
    *,
    polarity: FloatArray | float,
    target: FloatArray | float | None = None,
    target_year: FloatArray | float | None = None,
    limit: FloatArray | float | None = None,
    base_year: FloatArray | float | None = OPENSDG_BASE_YEAR,
) -> Assessment:
    """sdg-build's ProgressMeasure (methods.md §4): score in [-5, 5] and status.

    `base_year` may differ by series (NaN: 2015); the base is the first value from it on. As
    in sdg-build, a target of 0 and a base value of 0 become 0.001, and growth is multiplied
    by the sign of the base value."""
    n = values.shape[0]
    d = as_array(polarity, n)
    target_v, target_y = as_array(target, n), as_array(target_year, n)
    target_v = np.where(target_v == 0, OPENSDG_ZERO, target_v)
    limits = as_array(limit, n)
    wanted = as_array(base_year, n)
    wanted = np.where(np.isfinite(wanted), wanted, OPENSDG_BASE_YEAR)
    has = np.isfinite(values)
    end = last_valid_index(has)
    if years.size:
        column = np.clip(wanted - years[0], 0, None).astype(np.int64)
        after_data = column >= len(years)
        start = np.where(after_data, -1, take_int(next_valid_index(has), column))
        start = np.where(start >= len(years), -1, start)
    else:
        start = np.full(n, -1, dtype=np.int64)
    reason = np.zeros(n, dtype=np.int8)
    reason[(end < 0) | (start < 0) | (start >= end)] = TOO_FEW_VALUES
    y0, y1 = take(values, start), take(values, end)
    y0 = np.where(y0 == 0, OPENSDG_ZERO, y0)
    t0, t1 = _year(years, start, reason), _year(years, end, reason)
    rate, growth_reason = cagr(y0, y1, t1 - t0)
    reason = np.where(reason == OK, growth_reason, reason)
    p = directed(rate, y0, d)
    score = opensdg_score_no_target(p, limit_adjustment(y0, limits))
    has_target = np.isfinite(target_v) & np.isfinite(target_y)
    required, required_reason = _required(y0, t0, target_v, target_y)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = _stable(np.where(has_target & (required != 0), p / np.abs(required), np.nan))
    # a base at the target needs no growth (required = 0): not meeting it now means having
    # moved away (sdg-build divides by zero here); it scores -5
    at_target = has_target & (required == 0) & (required_reason == OK)
    ratio = np.where(at_target, np.where(p >= 0, np.inf, -np.inf), ratio)
    met_now = has_target & (d * (y1 - target_v) >= 0) & np.isfinite(y1)
    target_rows = has_target & (reason == OK) & ~met_now
    usable = target_rows & (required_reason == OK) & ~np.isnan(ratio)
    score = np.where(usable, opensdg_score_target(ratio), score)
    reason = np.where(target_rows & ~usable & (reason == OK), required_reason, reason)
    reason = np.where(target_rows & ~usable & (reason == OK), TOO_FEW_VALUES, reason)
    score = np.where(reason == OK, score, np.nan)
    score = np.where(met_now, 5.0, score)
    status = opensdg_status_from_score(score)
    status = np.where(met_now, "target_achieved", status)
    reason = np.where(met_now, OK, reason)
    return Assessment(
        method="opensdg",
        window="full",
        start_year=t0,
        end_year=t1,
        start_value=y0,
        end_value=y1,
        cagr=rate,
        required_cagr=np.where(has_target, required, np.nan),
        ratio=np.where(usable & np.isfinite(ratio), ratio, np.nan),
        score=score,
        status=status.astype(object),
        reason=_reason_words(reason.astype(np.int8)),
    )


@dataclass(frozen=True, slots=True)
class IndicatorLevel:
    """Open SDG's result for groups of series (an indicator's series or breakdowns): the
    mean score, the status, and how many series were assessed of how many."""

    score: FloatArray
    status: np.ndarray
    assessed: IntArray
    series: IntArray


def opensdg_indicator_level(result: Assessment, groups: IntArray, n_groups: int) -> IndicatorLevel:
    """Aggregate series to their group (`groups[i]` in 0..n_groups-1): "target_achieved" only
    when every series of the group has met its target, otherwise the status of the mean of
    the series' scores (the series that cannot be assessed are left out)."""
    groups = np.asarray(groups, dtype=np.int64)
    finite = np.isfinite(result.score)
    total = np.bincount(groups[finite], weights=result.score[finite], minlength=n_groups)
    assessed = np.bincount(groups[finite], minlength=n_groups)
    series = np.bincount(groups, minlength=n_groups)
    achieved = np.bincount(
        groups, weights=(result.status == "target_achieved").astype(np.float64), minlength=n_groups
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(assessed > 0, total / np.where(assessed > 0, assessed, 1), np.nan)
    every = (series > 0) & (achieved == series)
    status = opensdg_status_from_score(mean).astype(object)
    status = np.where(every, "target_achieved", status)
    return IndicatorLevel(
        score=np.where(every, 5.0, mean), status=status, assessed=assessed, series=series
    )
