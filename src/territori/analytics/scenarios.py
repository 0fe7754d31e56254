"""Scenario paths of an indicator from its latest value to a horizon (2030, 2050).

- trend: the projection of methods.md §5 (compound growth, or the least-squares line)
  evaluated at each year;
- targets: a straight line from the latest value to each target in turn, then held at the
  last target (the assumption written on the scenario);
- change: a constant yearly change of `percent` in the desired direction (polarity +1:
  higher is better; −1: lower is better), compounded.

Values that are not finite (a compound rate of a series that crossed zero) end the path.
"""

from __future__ import annotations

import math

import numpy as np

from .projection import project

Path = list[tuple[int, float]]


def trend_path(
    values: list[float],
    years: list[int],
    *,
    until: int,
    method: str = "cagr",
    window: int | None = None,
) -> Path:
    """The trend carried from the latest observed year to `until`, year by year."""
    if not years:
        return []
    series = np.array([values], dtype=np.float64)
    grid = np.array(years, dtype=np.int64)
    last = max(years)
    path: Path = []
    for year in range(last + 1, until + 1):
        value = float(project(series, grid, year=year, method=method, window=window).value[0])
        if not math.isfinite(value):
            break
        path.append((year, value))
    return path


def target_path(
    last_year: int, last_value: float, targets: list[tuple[int, float]], *, until: int
) -> Path:
    """Straight lines through the targets after `last_year` (in year order), then held."""
    ahead = sorted((y, v) for y, v in targets if y > last_year)
    if not ahead:
        return []
    path: Path = []
    start_year, start_value = last_year, last_value
    for target_year, target_value in ahead:
        span = target_year - start_year
        for year in range(start_year + 1, min(target_year, until) + 1):
            share = (year - start_year) / span
            path.append((year, start_value + share * (target_value - start_value)))
        start_year, start_value = target_year, target_value
    for year in range(start_year + 1, until + 1):
        path.append((year, start_value))
    return path


def change_path(
    last_year: int, last_value: float, *, percent: float, polarity: int, until: int
) -> Path:
    """`percent` a year better (in the direction of `polarity`), compounded."""
    factor = 1 + (1 if polarity >= 0 else -1) * percent / 100
    return [
        (year, last_value * factor ** (year - last_year))
        for year in range(last_year + 1, until + 1)
    ]
