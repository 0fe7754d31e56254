"""Trend assessment against hand-computed values, the published Eurostat check, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territori.analytics.panel import DuplicateObservationError, panel_from_long
from territori.analytics.trends import (
    cagr,
    eurostat_assess,
    istat_assess,
    limit_adjustment,
    opensdg_assess,
)

YEARS = np.arange(2010, 2025)


def series(values: dict[int, float], years: np.ndarray = YEARS) -> np.ndarray:
    row = np.full(len(years), np.nan)
    for year, value in values.items():
        row[year - years[0]] = value
    return row


def test_cagr_matches_hand_computation() -> None:
    # given 100 → 121 over 2 years: (121/100)^(1/2) - 1 = 0.1 exactly
    rate, reason = cagr(
        np.array([100.0, 0.0, -5.0, 4.0]), np.array([121, 5, 5, np.nan]), np.array([2, 2, 2, 2])
    )
    assert rate[0] == pytest.approx(0.1, abs=1e-12)
    assert list(reason) == [0, 4, 3, 1]  # ok, zero start, different sign, missing end
    assert np.isnan(rate[1:]).all()


def test_eurostat_published_check_healthy_life_years() -> None:
    """EU healthy life years: +0.5 %/yr 2008-2019 (long term), +0.3 %/yr 2016-2019 (short).

    A series built to match the annex: 64.6 years in 2019, no values for 2014-2015 so that
    the short-term window starts at the nearest later year, 2016 (Eurostat's rule).
    """
    years = np.arange(2004, 2020)
    latest = 64.6
    values = {2019: latest, 2008: latest / 1.005**11, 2016: latest / 1.003**3}
    values[2010] = values[2008] * 1.005**2
    values[2017] = values[2016] * 1.003
    values[2018] = values[2016] * 1.003**2
    row = np.array([series({k: round(v, 2) for k, v in values.items()}, years)])
    long = eurostat_assess(row, years, polarity=1, window="long")
    short = eurostat_assess(row, years, polarity=1, window="short")
    assert (long.start_year[0], long.end_year[0]) == (2008, 2019)
    assert (short.start_year[0], short.end_year[0]) == (2016, 2019)
    # published figures are rounded to 0.1 percentage point
    assert round(long.cagr[0] * 100, 1) == 0.5
    assert round(short.cagr[0] * 100, 1) == 0.3
    assert long.status[0] == "moderate_progress"  # 0 <= p < 1 %
    assert short.status[0] == "moderate_progress"


def test_eurostat_without_target_thresholds_and_polarity() -> None:
    # CAGR 2019-2024 of 100 → 100*1.02^5 is 2 %; 100 → 100*0.995^5 is -0.5 %
    rows = np.array(
        [
            series({2019: 100, 2024: 100 * 1.02**5}),
            series({2019: 100, 2024: 100 * 0.995**5}),
            series({2019: 100, 2024: 100 * 1.02**5}),
            series({2019: 100, 2024: 100 * 1.005**5}),
        ]
    )
    result = eurostat_assess(rows, YEARS, polarity=np.array([1, 1, -1, -1]), window="short")
    assert list(result.status) == [
        "significant_progress",
        "moderate_movement_away",
        "significant_movement_away",
        "moderate_movement_away",
    ]
    assert result.cagr[0] == pytest.approx(0.02, abs=1e-12)
    assert result.cagr[1] == pytest.approx(-0.005, abs=1e-12)


def test_eurostat_window_rules() -> None:
    rows = np.array(
        [
            series({2013: 50, 2024: 60}),  # long: wanted 2009 → nearest later 2013 (span 11)
            series({2016: 50, 2024: 60}),  # long: span 8 < 10 → not assessable
            series({2022: 50, 2024: 60}),  # short: span 2 < 3 → not assessable
            series({2024: 60}),  # one value
        ]
    )
    long = eurostat_assess(rows, YEARS, polarity=1, window="long")
    short = eurostat_assess(rows, YEARS, polarity=1, window="short")
    assert long.start_year[0] == 2013
    assert long.status[0] == "significant_progress"
    assert long.status[1] == "not_assessable"
    assert long.reason[1] == "the window spans too few years"
    assert short.status[2] == "not_assessable"
    assert short.reason[3] == "fewer than two values in the window"


def test_eurostat_with_target() -> None:
    # From 40 in 2019 to target 50 in 2030: required = (50/40)^(1/11) - 1 = 2.0492 %/yr.
    required = (50 / 40) ** (1 / 11) - 1
    cases = {
        "significant_progress": 40 * (1 + 0.96 * required) ** 5,  # R = 0.96 (approx.)
        "moderate_progress": 40 * (1 + 0.7 * required) ** 5,
        "insufficient_progress": 40 * (1 + 0.3 * required) ** 5,
        "movement_away": 40 * (1 - 0.01) ** 5,
        "target_met": 51.0,
    }
    rows = np.array([series({2019: 40, 2024: end}) for end in cases.values()])
    result = eurostat_assess(rows, YEARS, polarity=1, target=50, target_year=2030, window="short")
    assert list(result.status) == list(cases)
    assert result.required_cagr[0] == pytest.approx(required, rel=1e-12)
    rate = (cases["moderate_progress"] / 40) ** (1 / 5) - 1
    assert result.ratio[1] == pytest.approx(rate / required, rel=1e-12)


def test_eurostat_lower_is_better_target_and_lost_target() -> None:
    # PM10 days: lower is better; target 35 by 2030.
    rows = np.array(
        [
            series({2019: 60, 2024: 45}),  # falling fast enough
            series({2019: 30, 2024: 40}),  # met at start, not any more → movement away
        ]
    )
    result = eurostat_assess(rows, YEARS, polarity=-1, target=35, target_year=2030, window="short")
    required = (35 / 60) ** (1 / 11) - 1
    observed = (45 / 60) ** (1 / 5) - 1
    assert result.ratio[0] == pytest.approx(observed / required)
    assert result.status[0] == "significant_progress"  # R = 2.7
    assert result.status[1] == "movement_away"


def test_istat_classes_and_comparisons() -> None:
    rows = np.array(
        [
            series({2014: 100, 2024: 100 * 1.06**10}),
            series({2014: 100, 2024: 100 * 1.03**10}),
            series({2014: 100, 2024: 100 * 1.01**10}),  # exactly 1 % is still stable
            series({2014: 100, 2024: 100 * 0.97**10}),
            series({2014: 100, 2024: 100 * 0.90**10}),
        ]
    )
    full = istat_assess(rows, YEARS, polarity=1)
    assert list(full.status) == [
        "strong_improvement",
        "improvement",
        "stable",
        "worsening",
        "strong_worsening",
    ]
    ten = istat_assess(rows, YEARS, polarity=1, window="ten_years")
    assert list(ten.start_year) == [2014] * 5
    previous = istat_assess(rows, YEARS, polarity=1, window="previous")
    assert set(previous.status) == {"not_assessable"}  # 2023 has no value
    row = np.array([series({2023: 200, 2024: 190})])
    previous = istat_assess(row, YEARS, polarity=-1, window="previous")
    assert previous.cagr[0] == pytest.approx(-0.05)
    assert previous.status[0] == "improvement"  # -5 % of a lower-is-better indicator


def test_opensdg_scores_by_hand() -> None:
    # No target, base 2015: p = CAGR 2015-2024.
    rows = np.array(
        [
            series({2015: 100, 2024: 100 * 1.02**9}),  # p = 2 % ≥ 1.5 %: 500p - 5 = 5.0
            series({2015: 100, 2024: 100 * 1.01**9}),  # 0.5 ≤ p < 1.5: 250p - 1.25 = 1.25
            series({2015: 100, 2024: 100 * 1.002**9}),  # p < 0.5: 500p - 2.5 = -1.5
            series({2015: 100, 2024: 100 * 0.99**9}),  # p < 0: 125p - 2.5 = -3.75
        ]
    )
    result = opensdg_assess(rows, YEARS, polarity=1)
    assert result.score == pytest.approx([5.0, 1.25, -1.5, -3.75], abs=1e-9)
    assert list(result.status) == [
        "substantial_progress",
        "moderate_progress",
        "limited_progress",
        "deterioration",
    ]


def test_opensdg_limit_and_target() -> None:
    # Natural limit 100, base 50: C = 1 - 0.5^4.44 = 0.95288...
    c = limit_adjustment(np.array([50.0, 150.0, 250.0]), np.array([100.0, 100.0, 100.0]))
    assert c[0] == pytest.approx(1 - 0.5**4.44)
    assert c[1] == pytest.approx(1 - 0.5**4.44)  # (2L - b)/L = 0.5
    assert c[2] == 1.0
    row = np.array([series({2015: 50, 2024: 50 * 1.01**9})])
    result = opensdg_assess(row, YEARS, polarity=1, limit=100)
    assert result.score[0] == pytest.approx(250 * 0.01 / c[0] - 1.25)
    # Target 80 in 2030 from 50 in 2015: required = (80/50)^(1/15) - 1; R = p / required.
    required = (80 / 50) ** (1 / 15) - 1
    ratio = 0.01 / required
    targeted = opensdg_assess(row, YEARS, polarity=1, target=80, target_year=2030)
    assert targeted.ratio[0] == pytest.approx(ratio)
    expected = 7.1429 * ratio - 4.2857 if ratio >= 0.6 else 4.1667 * ratio - 2.5
    assert targeted.score[0] == pytest.approx(expected)
    achieved = opensdg_assess(
        np.array([series({2015: 50, 2024: 85})]), YEARS, polarity=1, target=80, target_year=2030
    )
    assert (achieved.status[0], achieved.score[0]) == ("target_achieved", 5.0)


def test_opensdg_base_year_moves_to_next_year_with_data() -> None:
    row = np.array([series({2012: 10, 2017: 20, 2024: 30})])
    result = opensdg_assess(row, YEARS, polarity=1)
    assert result.start_year[0] == 2017


def test_panel_from_long_rejects_duplicates() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "indicator": ["a", "a", "b"],
            "territory": ["t", "t", "t"],
            "year": [2020, 2020, 2021],
            "value": [1, 2, 3],
        }
    )
    with pytest.raises(DuplicateObservationError) as error:
        panel_from_long(frame, keys=["indicator", "territory"])
    assert error.value.positions == [1]
    panel = panel_from_long(frame.iloc[[0, 2]], keys=["indicator", "territory"])
    assert panel.values.shape == (2, 2)
    assert list(panel.years) == [2020, 2021]


# Properties -----------------------------------------------------------------------------

positive = st.floats(min_value=0.1, max_value=1e6, allow_nan=False)
growth = st.floats(min_value=-0.2, max_value=0.2, allow_nan=False)


@st.composite
def positive_series(draw: st.DrawFn) -> np.ndarray:
    start = draw(positive)
    rates = draw(st.lists(growth, min_size=len(YEARS) - 1, max_size=len(YEARS) - 1))
    values = start * np.cumprod([1.0, *(1 + r for r in rates)])
    gaps = draw(st.sets(st.integers(min_value=1, max_value=len(YEARS) - 2), max_size=6))
    for gap in gaps:
        values[gap] = np.nan
    return values


@settings(max_examples=60, deadline=None)
@given(row=positive_series(), factor=st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_a_series_keeps_its_classes(row: np.ndarray, factor: float) -> None:
    rows = np.array([row, row * factor])
    for result in (
        eurostat_assess(rows, YEARS, polarity=1, window="long"),
        eurostat_assess(rows, YEARS, polarity=1, window="short"),
        istat_assess(rows, YEARS, polarity=1),
        opensdg_assess(rows, YEARS, polarity=1),
    ):
        assert result.status[0] == result.status[1]
        if math.isfinite(result.cagr[0]):
            assert result.cagr[1] == pytest.approx(result.cagr[0], rel=1e-9, abs=1e-12)


MIRROR = {
    "significant_progress": "significant_movement_away",
    "moderate_progress": "moderate_movement_away",
    "strong_improvement": "strong_worsening",
    "improvement": "worsening",
    "stable": "stable",
    "not_assessable": "not_assessable",
}
MIRROR |= {v: k for k, v in MIRROR.items()}


@settings(max_examples=60, deadline=None)
@given(row=positive_series())
def test_flipping_polarity_mirrors_statuses(row: np.ndarray) -> None:
    rows = np.array([row])
    up = istat_assess(rows, YEARS, polarity=1)
    down = istat_assess(rows, YEARS, polarity=-1)
    p = up.cagr[0]
    if math.isfinite(p) and min(abs(abs(p) - 0.01), abs(abs(p) - 0.05)) < 1e-12:
        return  # exactly on a threshold the two sides are not symmetric by definition
    assert down.status[0] == MIRROR[up.status[0]]
    eu_up = eurostat_assess(rows, YEARS, polarity=1, window="long")
    eu_down = eurostat_assess(rows, YEARS, polarity=-1, window="long")
    if (
        math.isfinite(eu_up.cagr[0])
        and eu_up.cagr[0] != 0
        and abs(abs(eu_up.cagr[0]) - 0.01) > 1e-12
    ):
        assert eu_down.status[0] == MIRROR[eu_up.status[0]]


@settings(max_examples=60, deadline=None)
@given(row=positive_series())
def test_gaps_inside_the_window_do_not_change_the_full_window_result(row: np.ndarray) -> None:
    """The full-window CAGR only depends on the first and last values; inner gaps are fine."""
    complete = row.copy()
    first = int(np.argmax(np.isfinite(row)))
    last = len(row) - 1 - int(np.argmax(np.isfinite(row[::-1])))
    expected = (row[last] / row[first]) ** (1 / (YEARS[last] - YEARS[first])) - 1
    result = istat_assess(np.array([complete]), YEARS, polarity=1)
    assert result.cagr[0] == pytest.approx(expected, rel=1e-9)
