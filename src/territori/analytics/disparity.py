"""Territorial disparity across the units of one level (methods.md §7).

Each row of `values` is one set (e.g. an indicator in a year), each column one unit.
Missing values (NaN) are left out of that row's figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .panel import FloatArray


@dataclass(frozen=True, slots=True)
class Disparity:
    mean: FloatArray
    weighted_mean: FloatArray
    cv: FloatArray
    weighted_cv: FloatArray
    theil: FloatArray  # population-weighted; NaN when any value is negative
    max_min_ratio: FloatArray  # NaN when the minimum is not positive
    gap: FloatArray  # each unit minus the reference (metropolitan) value, same shape as values


def _theil(x: FloatArray, share: FloatArray, mean: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = x / mean[:, None]
        term = np.where(rel > 0, rel * np.log(np.where(rel > 0, rel, 1.0)), 0.0)
    term = np.where(np.isfinite(x), term, 0.0)
    negative = np.any(np.where(np.isfinite(x), x < 0, False), axis=1)
    return np.where(negative, np.nan, (share * term).sum(axis=1))


def disparity(
    values: FloatArray,
    *,
    population: FloatArray | None = None,
    reference: FloatArray | None = None,
) -> Disparity:
    x = np.atleast_2d(np.asarray(values, dtype=np.float64))
    valid = np.isfinite(x)
    pop = np.ones_like(x) if population is None else np.broadcast_to(population, x.shape)
    w = np.where(valid & np.isfinite(pop), pop, 0.0)
    n = valid.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(valid, x, 0).sum(axis=1) / n
        std = np.sqrt(np.where(valid, (x - mean[:, None]) ** 2, 0).sum(axis=1) / n)
        w_total = w.sum(axis=1)
        w_mean = (w * np.where(valid, x, 0)).sum(axis=1) / w_total
        w_std = np.sqrt((w * np.where(valid, (x - w_mean[:, None]) ** 2, 0)).sum(axis=1) / w_total)
        low = np.nanmin(np.where(valid, x, np.nan), axis=1)
        high = np.nanmax(np.where(valid, x, np.nan), axis=1)
        ratio = np.where(low > 0, high / low, np.nan)
        share = w / w_total[:, None]
    ref = w_mean if reference is None else np.broadcast_to(reference, mean.shape)
    return Disparity(
        mean=mean,
        weighted_mean=w_mean,
        cv=std / mean,
        weighted_cv=w_std / w_mean,
        theil=_theil(x, share, w_mean),
        max_min_ratio=ratio,
        gap=x - np.asarray(ref)[:, None],
    )
