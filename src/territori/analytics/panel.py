"""Panels: all series of a data set as one matrix (series × years), NaN for gaps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territori.lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


FloatArray = np.ndarray
IntArray = np.ndarray


@dataclass(frozen=True, slots=True)
class Panel:
    """`values[i, j]` is series i in year `years[j]`; years are contiguous and ascending.

    `keys` is a frame with one row per series (e.g. indicator, territory) in the same order.
    """

    values: FloatArray
    years: IntArray
    keys: pd.DataFrame

    @property
    def n_series(self) -> int:
        return int(self.values.shape[0])


class DuplicateObservationError(ValueError):
    """Raised when the same series has two values for one year."""

    def __init__(self, positions: list[int]) -> None:
        self.positions = positions
        super().__init__(f"{len(positions)} duplicate observations")


def panel_from_long(
    frame: pd.DataFrame, *, keys: list[str], year: str = "year", value: str = "value"
) -> Panel:
    """Pivot a long frame (keys..., year, value) into a panel, vectorised (no groupby-apply).

    Raises DuplicateObservationError with the positions of the repeated rows.
    """
    if frame.empty:
        return Panel(np.empty((0, 0)), np.empty(0, dtype=np.int64), frame[keys].iloc[0:0])
    codes, uniques = pd.MultiIndex.from_frame(frame[keys]).factorize()
    years_raw = frame[year].to_numpy(dtype=np.int64)
    first, last = int(years_raw.min()), int(years_raw.max())
    columns = years_raw - first
    flat = codes.astype(np.int64) * (last - first + 1) + columns
    order = np.argsort(flat, kind="stable")
    repeated = np.nonzero(np.diff(flat[order]) == 0)[0]
    if repeated.size:
        raise DuplicateObservationError(sorted(int(order[i + 1]) for i in repeated))
    values = np.full((len(uniques), last - first + 1), np.nan)
    values[codes, columns] = frame[value].to_numpy(dtype=np.float64)
    key_frame = pd.DataFrame(list(uniques), columns=keys)
    return Panel(values, np.arange(first, last + 1, dtype=np.int64), key_frame)


def last_valid_index(has: np.ndarray) -> IntArray:
    """Column of each row's last value, -1 for an empty row."""
    n_cols = has.shape[1]
    reversed_first = np.argmax(has[:, ::-1], axis=1)
    return np.where(has.any(axis=1), n_cols - 1 - reversed_first, -1)


def first_valid_index(has: np.ndarray) -> IntArray:
    """Column of each row's first value, -1 for an empty row."""
    return np.where(has.any(axis=1), np.argmax(has, axis=1), -1)


def next_valid_index(has: np.ndarray) -> IntArray:
    """`out[i, j]`: the first column >= j where row i has a value, or n_cols if none."""
    n_rows, n_cols = has.shape
    out = np.empty((n_rows, n_cols + 1), dtype=np.int64)
    out[:, n_cols] = n_cols
    for j in range(n_cols - 1, -1, -1):  # a loop over years (about 20), not over series
        out[:, j] = np.where(has[:, j], j, out[:, j + 1])
    return out[:, :n_cols]


def take(values: FloatArray, columns: IntArray) -> FloatArray:
    """values[i, columns[i]], NaN where the column is out of range."""
    n_cols = values.shape[1]
    valid = (columns >= 0) & (columns < n_cols)
    safe = np.clip(columns, 0, max(n_cols - 1, 0))
    picked = values[np.arange(values.shape[0]), safe] if n_cols else np.full(len(columns), np.nan)
    return np.where(valid, picked, np.nan)
