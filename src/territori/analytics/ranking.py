"""Ranking a group of peer territories (e.g. the 14 metropolitan cities), year by year.

Pure: a matrix of values (units × years, NaN for no data) and the indicator's polarity in,
ranks, distances and terciles out, for every year at once.

- Rank: competition ranking ("1224"), 1 the best in the indicator's desired direction; equal
  values share the better rank. Units without a value have no rank.
- Distance from the best and from the median of the units with a value that year, in the
  indicator's unit (value − best, value − median); its sign is read with the polarity.
- Tercile: 1 for ranks in the top third of the units ranked that year (rank ≤ n/3), 2 for the
  middle third (rank ≤ 2n/3), 3 for the bottom third; 0 without a rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .panel import FloatArray


@dataclass(frozen=True)
class Ranking:
    rank: FloatArray  # (units, years), NaN without a value
    count: FloatArray  # (years,) units ranked
    best: FloatArray  # (years,) the best value
    median: FloatArray  # (years,)
    from_best: FloatArray  # (units, years) value − best
    from_median: FloatArray  # (units, years) value − median
    tercile: np.ndarray  # (units, years) int: 1 top, 2 middle, 3 bottom, 0 none


def rank_panel(values: FloatArray, *, polarity: float) -> Ranking:
    """Ranks of every unit in every year (see the module's notes)."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError("values must be a matrix of units × years")
    if polarity not in (1, -1, 1.0, -1.0):
        raise ValueError("polarity must be 1 (higher is better) or -1 (lower is better)")
    present = np.isfinite(values)
    oriented = np.where(present, values * polarity, -np.inf)
    # rank = 1 + the number of units strictly better in the same year
    better = (oriented[None, :, :] > oriented[:, None, :]).sum(axis=1)
    rank = np.where(present, 1.0 + better, np.nan)
    count = present.sum(axis=0).astype(np.float64)
    best = np.full(values.shape[1], np.nan)
    median = np.full(values.shape[1], np.nan)
    ranked = count > 0
    if ranked.any():
        columns = np.where(present, values, np.nan)[:, ranked]
        best[ranked] = np.nanmax(columns * polarity, axis=0) * polarity
        median[ranked] = np.nanmedian(columns, axis=0)
    from_best = np.where(present, values - best, np.nan)
    from_median = np.where(present, values - median, np.nan)
    tercile = np.zeros(values.shape, dtype=np.int8)
    tercile[present & (rank * 3 <= count * 3)] = 3
    tercile[present & (rank * 3 <= count * 2)] = 2
    tercile[present & (rank * 3 <= count)] = 1
    return Ranking(rank, count, best, median, from_best, from_median, tercile)
