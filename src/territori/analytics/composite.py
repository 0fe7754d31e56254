"""Composite indices over a cube of indicators × units × years (methods.md §6).

AMPI (Mazziotta-Pareto adjusted, as used by ASviS), min-max (0-100) and z-score composites.
Only complete profiles are scored: a unit-year missing any indicator gets NaN.
"""

from __future__ import annotations

import numpy as np

from .panel import FloatArray

METHODS = ("ampi", "ampi+", "minmax", "zscore")


def _weighted_mean_std(r: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    w = weights[:, None, None] / weights.sum()
    mean = (w * r).sum(axis=0)
    std = np.sqrt((w * (r - mean) ** 2).sum(axis=0))
    return mean, std


def composite(
    cube: FloatArray,
    *,
    polarity: FloatArray,
    method: str = "ampi",
    reference: tuple[int, int] | None = None,
    weights: FloatArray | None = None,
) -> FloatArray:
    """A composite value per unit and year, shape (units, years).

    `cube[j, u, t]` is indicator j for unit u in year t. `reference` is the (unit, year)
    position of the reference profile (AMPI and z-score map it to 100 and 0).
    """
    if method not in METHODS:
        raise ValueError(f"unknown composite method '{method}': use one of {METHODS}")
    n_ind = cube.shape[0]
    d = np.asarray(polarity, dtype=np.float64).reshape(n_ind, 1, 1)
    w = np.ones(n_ind) if weights is None else np.asarray(weights, dtype=np.float64)
    if np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be non-negative with a positive sum")
    low = np.nanmin(cube, axis=(1, 2)).reshape(n_ind, 1, 1)
    high = np.nanmax(cube, axis=(1, 2)).reshape(n_ind, 1, 1)
    spread = np.where(high > low, high - low, np.nan)
    if method in ("ampi", "ampi+", "zscore"):
        if reference is None:
            raise ValueError(f"the {method} composite needs a reference unit and year")
        ref = cube[:, reference[0], reference[1]].reshape(n_ind, 1, 1)
        if not np.all(np.isfinite(ref)):
            missing = [int(j) for j in np.nonzero(~np.isfinite(ref.ravel()))[0]]
            raise ValueError(f"the reference has no value for indicators at positions {missing}")
    complete = np.isfinite(cube).all(axis=0)
    if method in ("ampi", "ampi+"):
        r = 100 + d * 60 * (cube - ref) / spread
        mean, std = _weighted_mean_std(r, w)
        with np.errstate(divide="ignore", invalid="ignore"):
            cv = std / mean
        result = mean - std * cv if method == "ampi" else mean + std * cv
    elif method == "minmax":
        r = np.where(d > 0, cube - low, high - cube) * 100 / spread
        result, _ = _weighted_mean_std(r, w)
    else:
        sd = np.nanstd(cube, axis=(1, 2)).reshape(n_ind, 1, 1)
        z = d * (cube - ref) / np.where(sd > 0, sd, np.nan)
        result, _ = _weighted_mean_std(z, w)
    return np.where(complete, result, np.nan)
