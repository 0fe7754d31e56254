"""Scenario paths against hand-computed values."""

from __future__ import annotations

import pytest

from territori.analytics.scenarios import change_path, target_path, trend_path


def test_trend_path_is_the_compound_growth_carried_each_year() -> None:
    """100 in 2020 to 121 in 2022: CAGR 10 %; 2023 = 133.1, 2025 = 161.051."""
    path = dict(trend_path([100.0, 110.0, 121.0], [2020, 2021, 2022], until=2025))
    assert sorted(path) == [2023, 2024, 2025]
    assert path[2023] == pytest.approx(133.1, rel=1e-9)
    assert path[2025] == pytest.approx(161.051, rel=1e-9)


def test_linear_trend_path() -> None:
    """10, 12, 14 in 2020-2022: slope 2, so 2030 = 30."""
    path = dict(trend_path([10.0, 12.0, 14.0], [2020, 2021, 2022], until=2030, method="linear"))
    assert path[2030] == pytest.approx(30.0, abs=1e-9)


def test_target_path_lines_then_held() -> None:
    """From 50 in 2024: to 60 in 2026 (5 a year), to 40 in 2030 (−5 a year), then held."""
    path = dict(target_path(2024, 50.0, [(2030, 40.0), (2026, 60.0), (2020, 1.0)], until=2032))
    assert [path[y] for y in range(2025, 2033)] == pytest.approx(
        [55.0, 60.0, 55.0, 50.0, 45.0, 40.0, 40.0, 40.0]
    )
    assert target_path(2024, 50.0, [(2020, 1.0)], until=2030) == []


def test_change_path_follows_the_polarity() -> None:
    """2 % a year better: 100 → 102, 104.04 when higher is better; 98, 96.04 when lower is."""
    up = dict(change_path(2024, 100.0, percent=2, polarity=1, until=2026))
    down = dict(change_path(2024, 100.0, percent=2, polarity=-1, until=2026))
    assert (up[2025], up[2026]) == pytest.approx((102.0, 104.04))
    assert (down[2025], down[2026]) == pytest.approx((98.0, 96.04))


def test_a_series_crossing_zero_has_no_compound_trend() -> None:
    assert trend_path([-5.0, 5.0], [2020, 2021], until=2030) == []
