"""Projections, gap closure, composites, disparity and aggregation against hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from territori.analytics.aggregate import aggregate
from territori.analytics.composite import composite
from territori.analytics.disparity import disparity
from territori.analytics.projection import gap_closure, project

YEARS = np.arange(2010, 2014)


def test_cagr_projection_and_gap_closure() -> None:
    # 100 in 2010 → 121 in 2012: CAGR 10 %; 2015 = 121 * 1.1^3 = 161.051
    values = np.array([[100.0, np.nan, 121.0, np.nan]])
    result = project(values, YEARS, year=2015, method="cagr", target=200.0)
    assert result.value[0] == pytest.approx(161.051)
    assert math.isnan(result.lower[0])
    # G = (161.051 - 100) / (200 - 100) = 0.61051 → partial
    assert result.gap_closure[0] == pytest.approx(0.61051)
    assert result.gap_status[0] == "partial"


def test_linear_projection_with_prediction_interval() -> None:
    # Points (2010,1) (2011,3) (2012,2) (2013,4): slope 0.8, mean 2.5 at 2011.5, SSE 1.8.
    # v(2015) = 2.5 + 0.8 * 3.5 = 5.3; s = sqrt(1.8 / 2); t(0.975, 2) = 4.302653;
    # half-width = t * s * sqrt(1 + 1/4 + 3.5² / 5) = 7.85160
    values = np.array([[1.0, 3.0, 2.0, 4.0]])
    result = project(values, YEARS, year=2015, method="linear")
    assert result.value[0] == pytest.approx(5.3)
    half = 4.302653 * math.sqrt(0.9) * math.sqrt(3.7)
    assert result.lower[0] == pytest.approx(5.3 - half, abs=1e-4)
    assert result.upper[0] == pytest.approx(5.3 + half, abs=1e-4)


def test_linear_projection_matches_least_squares_on_large_values() -> None:
    # Populations in the millions with small year-to-year changes: the one-pass sums must not
    # lose precision. Checked against numpy's least-squares fit, to 1e-6 relative.
    rng = np.random.default_rng(7)
    years = np.arange(2005, 2025)
    values = 3e6 + rng.normal(0, 500, size=(50, years.size)) + 120.0 * (years - 2005)
    values[::7, 3] = np.nan
    result = project(values, years, year=2030, method="linear")
    for i in range(values.shape[0]):
        keep = np.isfinite(values[i])
        slope, intercept = np.polyfit(years[keep], values[i, keep], 1)
        assert result.value[i] == pytest.approx(intercept + slope * 2030, rel=1e-6)


def test_projection_window_and_short_series() -> None:
    values = np.array([[50.0, 1.0, 2.0, 3.0], [np.nan, np.nan, 5.0, 6.0]])
    result = project(values, YEARS, year=2014, method="linear", window=3)
    assert result.start_year[0] == 2011  # the last three years only
    assert result.value[0] == pytest.approx(4.0)
    assert result.value[1] == pytest.approx(7.0)  # two points: a line but no interval
    assert math.isnan(result.lower[1])


def test_gap_closure_classes_and_bounds() -> None:
    g, status = gap_closure(
        np.array([99.5, 190.0, 105.0, 90.0, 50.0]),
        np.array([80.0, 100.0, 100.0, 100.0, 50.0]),
        np.array([100.0, 200.0, 200.0, 200.0, np.nan]),
    )
    assert g[0] == 1.0  # within one point of a 100 target: achieved
    assert list(status) == ["achieved", "partial", "off_track", "off_track", ""]
    assert g[1] == pytest.approx(0.9)
    assert g[3] == pytest.approx(-0.1)


def test_ampi_by_hand() -> None:
    # Two indicators (the second lower-is-better), two units, one year; reference = unit 0.
    # ind 0: values 10, 20 → Inf 10, Sup 20, Ref 10: r = 100 and 100 + 60 * 10/10 = 160
    # ind 1: values 5, 15 → Ref 5: r = 100 and 100 - 60 * 10/10 = 40
    # unit 0: M = 100, S = 0 → 100. unit 1: M = 100, S = 60, cv = 0.6 → 100 - 36 = 64
    cube = np.array([[[10.0], [20.0]], [[5.0], [15.0]]])
    result = composite(cube, polarity=np.array([1, -1]), method="ampi", reference=(0, 0))
    assert result[:, 0] == pytest.approx([100.0, 64.0])
    plus = composite(cube, polarity=np.array([1, -1]), method="ampi+", reference=(0, 0))
    assert plus[1, 0] == pytest.approx(136.0)
    minmax = composite(cube, polarity=np.array([1, -1]), method="minmax")
    assert minmax[:, 0] == pytest.approx([50.0, 50.0])  # (0 + 100)/2 and (100 + 0)/2
    z = composite(cube, polarity=np.array([1, 1]), method="zscore", reference=(0, 0))
    assert z[:, 0] == pytest.approx([0.0, 2.0])  # sd of (10, 20) is 5: (20-10)/5 = 2


def test_composite_needs_complete_profiles_and_reference() -> None:
    cube = np.array([[[10.0], [np.nan]], [[5.0], [15.0]]])
    result = composite(cube, polarity=np.array([1, 1]), method="ampi", reference=(0, 0))
    assert math.isnan(result[1, 0])
    with pytest.raises(ValueError, match="reference has no value"):
        composite(cube, polarity=np.array([1, 1]), method="ampi", reference=(1, 0))
    weighted = composite(
        np.array([[[10.0], [20.0]], [[5.0], [15.0]]]),
        polarity=np.array([1, -1]),
        method="ampi",
        reference=(0, 0),
        weights=np.array([3.0, 1.0]),
    )
    # unit 1: r = (160, 40), weights 3:1 → M = 130, S = sqrt((3*900 + 8100)/4) = 51.96
    m, s = 130.0, math.sqrt((3 * 900 + 8100) / 4)
    assert weighted[1, 0] == pytest.approx(m - s * s / m)


def test_disparity_by_hand() -> None:
    values = np.array([[10.0, 20.0, 40.0]])
    population = np.array([1.0, 1.0, 2.0])
    result = disparity(values, population=population)
    assert result.mean[0] == pytest.approx(70 / 3)
    assert result.weighted_mean[0] == pytest.approx(27.5)  # (10 + 20 + 80) / 4
    assert result.max_min_ratio[0] == 4.0
    shares, rel = np.array([0.25, 0.25, 0.5]), values[0] / 27.5
    assert result.theil[0] == pytest.approx(float((shares * rel * np.log(rel)).sum()))
    std = math.sqrt(((10 - 70 / 3) ** 2 + (20 - 70 / 3) ** 2 + (40 - 70 / 3) ** 2) / 3)
    assert result.cv[0] == pytest.approx(std / (70 / 3))
    assert list(result.gap[0]) == pytest.approx([-17.5, -7.5, 12.5])
    equal = disparity(np.array([[5.0, 5.0]]))
    assert equal.theil[0] == pytest.approx(0.0)
    assert equal.cv[0] == pytest.approx(0.0)


def test_aggregation_rules_and_coverage() -> None:
    members = pd.DataFrame({"unit": ["a", "b", "c"], "group": ["Z", "Z", "Z"]})
    population = pd.DataFrame(
        {"unit": ["a", "b", "c"], "year": [2023, 2023, 2023], "population": [100, 300, 600]}
    )
    values = pd.DataFrame({"unit": ["a", "b"], "year": [2020, 2020], "value": [10.0, 30.0]})
    summed = aggregate(rule="sum", members=members, values=values, population=population)
    assert summed.loc[0, "value"] == 40.0
    assert summed.loc[0, "coverage"] == pytest.approx(0.4)  # a and b: 400 of 1000 inhabitants
    mean = aggregate(rule="weighted_mean", members=members, values=values, population=population)
    assert mean.loc[0, "value"] == pytest.approx((10 * 100 + 30 * 300) / 400)
    numerator = pd.DataFrame({"unit": ["a", "b", "c"], "year": [2020] * 3, "value": [5, 15, 30]})
    denominator = pd.DataFrame(
        {"unit": ["a", "b", "c"], "year": [2020] * 3, "value": [100, 300, 600]}
    )
    ratio = aggregate(
        rule="ratio",
        members=members,
        numerator=numerator,
        denominator=denominator,
        population=population,
        scale=100,
    )
    assert ratio.loc[0, "value"] == pytest.approx(5.0)
    assert ratio.loc[0, "coverage"] == pytest.approx(1.0)
    assert aggregate(rule="none", members=members, values=values).empty
    with pytest.raises(ValueError, match="unknown aggregation rule"):
        aggregate(rule="median", members=members, values=values)
