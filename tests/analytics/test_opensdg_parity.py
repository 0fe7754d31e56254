"""Parity with sdg-build's ProgressMeasure on the cases where Territori used to differ
(methods.md §4): per-series base year, zero targets and base values, negative values, a base
value at the natural limit, and the indicator-level result. Every expected value is computed
by hand in the comment beside it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territori.analytics.trends import (
    OPENSDG_ZERO,
    cagr,
    eurostat_assess,
    istat_assess,
    opensdg_assess,
    opensdg_indicator_level,
)

YEARS = np.arange(2010, 2025)


def series(values: dict[int, float]) -> np.ndarray:
    row = np.full(len(YEARS), np.nan)
    for year, value in values.items():
        row[year - YEARS[0]] = value
    return row


def test_the_base_year_can_differ_by_series() -> None:
    rows = np.array([series({2012: 100, 2015: 110, 2020: 121})] * 3)
    result = opensdg_assess(rows, YEARS, polarity=1, base_year=np.array([2012, np.nan, 2016]))
    # 2012: (121/100)^(1/8) - 1; the default 2015: (121/110)^(1/5) - 1; 2016 → next year with
    # a value, 2020, which is also the last: nothing to compare
    assert result.start_year[:2] == pytest.approx([2012, 2015])
    assert result.cagr[0] == pytest.approx(1.21 ** (1 / 8) - 1, abs=1e-12)
    assert result.cagr[1] == pytest.approx(1.1 ** (1 / 5) - 1, abs=1e-12)
    assert result.status[2] == "not_assessable"
    # a base year after the data is not assessable either
    late = opensdg_assess(rows[:1], YEARS, polarity=1, base_year=2030)
    assert late.status[0] == "not_assessable"


def test_a_target_of_zero_is_assessed_as_0_001() -> None:
    # lower is better, 50 in 2015 to 40 in 2020, target 0 in 2030 (read as 0.001):
    # observed CAGR = 0.8^(1/5) - 1 = -0.043648...; required = (0.001/50)^(1/15) - 1 =
    # -0.51355...; R = -1 × observed / |required| = 0.084993...; score = 4.1667 R - 2.5
    row = np.array([series({2015: 50, 2020: 40})])
    result = opensdg_assess(row, YEARS, polarity=-1, target=0, target_year=2030)
    observed = 0.8 ** (1 / 5) - 1
    required = (0.001 / 50) ** (1 / 15) - 1
    ratio = -observed / abs(required)
    assert result.ratio[0] == pytest.approx(ratio, rel=1e-9)
    assert result.score[0] == pytest.approx(4.1667 * ratio - 2.5, rel=1e-9)
    assert result.status[0] == "limited_progress"
    # reaching zero meets the target
    done = opensdg_assess(
        np.array([series({2015: 50, 2020: 0})]), YEARS, polarity=-1, target=0, target_year=2030
    )
    assert (done.status[0], done.score[0]) == ("target_achieved", 5.0)


def test_a_base_value_of_zero_is_read_as_0_001() -> None:
    # higher is better, 0 in 2015 to 2 in 2020: CAGR = (2/0.001)^(1/5) - 1 = 3.5733...
    result = opensdg_assess(np.array([series({2015: 0, 2020: 2})]), YEARS, polarity=1)
    assert result.start_value[0] == OPENSDG_ZERO
    assert result.cagr[0] == pytest.approx(2000 ** (1 / 5) - 1, rel=1e-12)
    assert (result.status[0], result.score[0]) == ("substantial_progress", 5.0)


def test_negative_values_moving_the_right_way_are_progress() -> None:
    # higher is better, -10 in 2015 to -8 in 2020: CAGR = 0.8^(1/5) - 1 = -0.04365 (the
    # ratio of the values falls), times the sign of the base (-1): p = +0.04365, progress
    rows = np.array([series({2015: -10, 2020: -8}), series({2015: -10, 2020: -12})])
    result = opensdg_assess(rows, YEARS, polarity=1)
    p = -(0.8 ** (1 / 5) - 1)
    assert result.status[0] == "substantial_progress"
    assert result.score[0] == pytest.approx(min(500 * p - 5, 5))
    # -10 to -12 is a deterioration: p = -(1.2^(1/5) - 1) = -0.03714; 125p - 2.5 = -7.14 → -5
    assert result.status[1] == "deterioration" and result.score[1] == -5.0
    # the other methods read the sign the same way
    eurostat = eurostat_assess(rows, YEARS, polarity=1, window="short")
    assert list(eurostat.status) == ["significant_progress", "significant_movement_away"]
    istat = istat_assess(rows, YEARS, polarity=1)
    assert list(istat.status) == ["improvement", "worsening"]  # ±4.4 % and ∓3.7 %


def test_negative_values_with_a_target() -> None:
    # higher is better, -10 (2015) to -8 (2020), target -5 in 2030: observed CAGR 0.8^(1/5) - 1,
    # required (0.5)^(1/15) - 1; R = sign × observed / |required| = 0.04365 / 0.04516 = 0.9666
    row = np.array([series({2015: -10, 2020: -8})])
    result = opensdg_assess(row, YEARS, polarity=1, target=-5, target_year=2030)
    ratio = -(0.8 ** (1 / 5) - 1) / abs(0.5 ** (1 / 15) - 1)
    assert result.ratio[0] == pytest.approx(ratio, rel=1e-9)
    assert result.score[0] == pytest.approx(min(7.1429 * ratio - 4.2857, 5), rel=1e-9)
    # Eurostat's ratio of growth rates gives the same reading
    eurostat = eurostat_assess(row, YEARS, polarity=1, target=-5, target_year=2030, window="short")
    assert eurostat.status[0] == "significant_progress"


def test_a_base_value_at_the_limit_with_no_change_scores_five() -> None:
    # limit 100, base 100 (C = 0), no change: sdg-build's thresholds all become 0 → +5
    rows = np.array([series({2015: 100, 2020: 100}), series({2015: 100, 2020: 99})])
    result = opensdg_assess(rows, YEARS, polarity=1, limit=100)
    assert (result.status[0], result.score[0]) == ("substantial_progress", 5.0)
    # moving away from it is still a deterioration: p = 0.99^(1/5) - 1; 125p - 2.5
    p = 0.99 ** (1 / 5) - 1
    assert result.status[1] == "deterioration"
    assert result.score[1] == pytest.approx(max(125 * p - 2.5, -5))


def test_the_indicator_level_result() -> None:
    rows = np.array(
        [
            series({2015: 50, 2024: 85}),  # group 0: target 80 met
            series({2015: 50, 2024: 90}),  # group 0: met
            series({2015: 50, 2024: 85}),  # group 1: met (score 5)
            series({2015: 100, 2024: 100 * 0.99**9}),  # group 1: no target, p = -1 %: -3.75
            series({2015: 5}),  # group 2: one value, not assessable
        ]
    )
    target = np.array([80, 80, 80, np.nan, np.nan])
    target_year = np.array([2030, 2030, 2030, np.nan, np.nan])
    result = opensdg_assess(rows, YEARS, polarity=1, target=target, target_year=target_year)
    level = opensdg_indicator_level(result, np.array([0, 0, 1, 1, 2]), 3)
    assert level.status[0] == "target_achieved" and level.score[0] == 5.0
    # one series met, one not: the mean (5 - 3.75) / 2 = 0.625 → moderate progress
    assert level.score[1] == pytest.approx(0.625)
    assert level.status[1] == "moderate_progress"
    assert level.status[2] == "not_assessable" and np.isnan(level.score[2])
    assert list(level.assessed) == [2, 2, 0] and list(level.series) == [2, 2, 1]


def test_a_series_falling_to_zero_has_a_rate_of_minus_one() -> None:
    rate, reason = cagr(np.array([5.0, -5.0]), np.array([0.0, 0.0]), np.array([5.0, 5.0]))
    assert list(rate) == [-1.0, -1.0] and list(reason) == [0, 0]


finite = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(start=finite, end=finite, polarity=st.sampled_from([1, -1]))
def test_mirrored_series_score_alike(start: float, end: float, polarity: int) -> None:
    """A series and its mirror image below zero with the opposite polarity are the same
    story (more of a good thing = less of its negative): same status, same score."""
    rows = np.array([series({2015: start, 2022: end}), series({2015: -start, 2022: -end})])
    result = opensdg_assess(rows, YEARS, polarity=np.array([polarity, -polarity]))
    assert result.status[0] == result.status[1]
    assert result.score[0] == pytest.approx(result.score[1], abs=1e-9)
    for method in (eurostat_assess, istat_assess):
        other = method(rows, YEARS, polarity=np.array([polarity, -polarity]))
        assert other.status[0] == other.status[1]


@settings(max_examples=200, deadline=None)
@given(start=finite, end=finite)
def test_the_way_the_series_moves_reads_better_than_the_other(start: float, end: float) -> None:
    rows = np.array([series({2015: start, 2022: end})] * 2)
    result = opensdg_assess(rows, YEARS, polarity=np.array([1, -1]))
    rising, falling = result.score
    if end > start * (1 + 1e-9):
        assert rising > falling  # more is better: rising scores above "less is better"
    elif end < start * (1 - 1e-9):
        assert falling > rising


@settings(max_examples=100, deadline=None)
@given(end=finite, target_year=st.integers(min_value=2023, max_value=2040))
def test_zero_never_leaves_a_series_unassessed_in_open_sdg(end: float, target_year: int) -> None:
    rows = np.array([series({2015: 0.0, 2022: end}), series({2015: end, 2022: 0.0})])
    result = opensdg_assess(rows, YEARS, polarity=-1, target=0, target_year=target_year)
    assert "not_assessable" not in set(result.status)
    assert np.isfinite(result.score).all()
