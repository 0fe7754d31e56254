"""Coherence matrices (methods.md §8): influence, second order, MICMAC, clusters, coverage.

Cells are scores on the seven-point scale (-3 cancelling ... +3 indivisible); NaN is a cell
not scored yet and counts as 0. A square matrix has the same nodes on rows and columns and
its diagonal is ignored. Pure: numpy and igraph only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from territori.lazy import lazy_module

from .networks import louvain
from .panel import FloatArray

if TYPE_CHECKING:
    import igraph as ig
else:
    ig = lazy_module("igraph")


SCALE = (-3, -2, -1, 0, 1, 2, 3)
SCALE_LABELS = {
    3: "indivisible",
    2: "reinforcing",
    1: "enabling",
    0: "consistent",
    -1: "constraining",
    -2: "counteracting",
    -3: "cancelling",
}
WARNING_AT = -2
QUADRANTS = ("determinant", "relay", "result", "autonomous")
CLUSTER_SEED = 42


@dataclass(frozen=True, slots=True)
class SquareMetrics:
    nodes: list[str]
    out: FloatArray  # influence: row sums
    in_: FloatArray  # influenced: column sums
    net: FloatArray
    out_pos: FloatArray
    out_neg: FloatArray  # sum of the negative cells (a negative number)
    in_pos: FloatArray
    in_neg: FloatArray
    second_order: FloatArray
    motricity: FloatArray  # MICMAC, row sums of the total matrix
    dependence: FloatArray  # MICMAC, column sums
    quadrant: list[str]
    warnings: list[tuple[str, str, float]]  # (row, column, score) for every score <= -2
    clusters: list[list[str]]  # mutually reinforcing groups of two or more nodes

    def records(self) -> list[dict[str, object]]:
        return [
            {
                "node": node,
                "out": float(self.out[i]),
                "in": float(self.in_[i]),
                "net": float(self.net[i]),
                "out_pos": float(self.out_pos[i]),
                "out_neg": float(self.out_neg[i]),
                "in_pos": float(self.in_pos[i]),
                "in_neg": float(self.in_neg[i]),
                "second_order": float(self.second_order[i]),
                "motricity": float(self.motricity[i]),
                "dependence": float(self.dependence[i]),
                "quadrant": self.quadrant[i],
            }
            for i, node in enumerate(self.nodes)
        ]


def _zero_diagonal(matrix: FloatArray) -> FloatArray:
    a = np.nan_to_num(np.asarray(matrix, dtype=np.float64), nan=0.0)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"a square matrix is needed, not {a.shape[0]}×{a.shape[1]}")
    np.fill_diagonal(a, 0.0)
    return a


def micmac(matrix: FloatArray, *, alpha: float = 0.5, order: int = 2) -> FloatArray:
    """M_tot = sum_{k=1..K} alpha^(k-1) M^k, diagonal zeroed (M with its diagonal zeroed)."""
    if order < 1:
        raise ValueError("the order must be at least 1")
    m = _zero_diagonal(matrix)
    total = np.zeros_like(m)
    power = np.eye(m.shape[0])
    for k in range(1, order + 1):
        power = power @ m
        total += alpha ** (k - 1) * power
    np.fill_diagonal(total, 0.0)
    return total


def quadrants(motricity: FloatArray, dependence: FloatArray) -> list[str]:
    """MICMAC quadrants split at the means; on the mean counts as low."""
    if motricity.size == 0:
        return []
    high_m = motricity > motricity.mean() + 1e-12
    high_d = dependence > dependence.mean() + 1e-12
    names = np.select(
        [high_m & ~high_d, high_m & high_d, ~high_m & high_d], QUADRANTS[:3], QUADRANTS[3]
    )
    return [str(n) for n in names]


def reinforcing_clusters(matrix: FloatArray, nodes: Sequence[str]) -> list[list[str]]:
    """Communities (Louvain, fixed seed) of the positive-only graph, made undirected.

    The weight between i and j is the sum of the positive scores i→j and j→i. Groups of one
    node are not clusters. Nodes keep the matrix order; clusters are ordered by first node.
    """
    a = _zero_diagonal(matrix)
    positive = np.clip(a, 0, None)
    weights = positive + positive.T
    rows, cols = np.nonzero(np.triu(weights, 1))
    if rows.size == 0:
        return []
    graph = ig.Graph(n=len(nodes), edges=np.column_stack([rows, cols]).tolist())
    graph.es["weight"] = weights[rows, cols].tolist()
    membership = louvain(graph, seed=CLUSTER_SEED).membership
    groups: dict[int, list[int]] = {}
    for index, group in enumerate(membership):
        groups.setdefault(group, []).append(index)
    ordered = sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])
    return [[nodes[i] for i in group] for group in ordered]


def square_metrics(
    matrix: FloatArray, nodes: Sequence[str], *, alpha: float = 0.5, order: int = 2
) -> SquareMetrics:
    a = _zero_diagonal(matrix)
    if len(nodes) != a.shape[0]:
        raise ValueError(f"{len(nodes)} node codes for a {a.shape[0]}×{a.shape[0]} matrix")
    positive, negative = np.clip(a, 0, None), np.clip(a, None, 0)
    squared = a @ a
    second = squared.sum(axis=1) - np.diag(squared)
    total = micmac(a, alpha=alpha, order=order)
    motricity, dependence = total.sum(axis=1), total.sum(axis=0)
    rows, cols = np.nonzero(a <= WARNING_AT)
    return SquareMetrics(
        nodes=list(nodes),
        out=a.sum(axis=1),
        in_=a.sum(axis=0),
        net=a.sum(axis=1) - a.sum(axis=0),
        out_pos=positive.sum(axis=1),
        out_neg=negative.sum(axis=1),
        in_pos=positive.sum(axis=0),
        in_neg=negative.sum(axis=0),
        second_order=second,
        motricity=motricity,
        dependence=dependence,
        quadrant=quadrants(motricity, dependence),
        warnings=[
            (nodes[int(i)], nodes[int(j)], float(a[i, j])) for i, j in zip(rows, cols, strict=True)
        ],
        clusters=reinforcing_clusters(a, nodes),
    )


@dataclass(frozen=True, slots=True)
class RowContribution:
    node: str
    positive: float
    negative: float
    touched: list[str]  # columns with a non-zero score


@dataclass(frozen=True, slots=True)
class ColumnCoverage:
    node: str
    contributors: int  # rows with a positive score
    strength: float  # sum of the positive scores
    conflicts: int  # rows with a negative score
    negative: float  # sum of the negative scores
    worst: float  # lowest score, 0 when none is negative
    scored: int  # rows with any score (0 included)


@dataclass(frozen=True, slots=True)
class RectangularMetrics:
    rows: list[RowContribution]
    columns: list[ColumnCoverage]
    gaps: list[str]  # columns no row contributes to
    warnings: list[tuple[str, str, float]]


def rectangular_metrics(
    matrix: FloatArray, rows: Sequence[str], columns: Sequence[str]
) -> RectangularMetrics:
    """Per row its positive and negative contributions; per column its coverage; the gaps."""
    raw = np.asarray(matrix, dtype=np.float64)
    if raw.shape != (len(rows), len(columns)):
        raise ValueError(f"{len(rows)}×{len(columns)} codes for a {raw.shape} matrix")
    scored = np.isfinite(raw)
    a = np.where(scored, raw, 0.0)
    positive, negative = np.clip(a, 0, None), np.clip(a, None, 0)
    by_row = [
        RowContribution(
            node=rows[i],
            positive=float(positive[i].sum()),
            negative=float(negative[i].sum()),
            touched=[columns[int(j)] for j in np.flatnonzero(a[i] != 0)],
        )
        for i in range(len(rows))
    ]
    by_column = [
        ColumnCoverage(
            node=columns[j],
            contributors=int((a[:, j] > 0).sum()),
            strength=float(positive[:, j].sum()),
            conflicts=int((a[:, j] < 0).sum()),
            negative=float(negative[:, j].sum()),
            worst=float(min(a[:, j].min(initial=0.0), 0.0)),
            scored=int(scored[:, j].sum()),
        )
        for j in range(len(columns))
    ]
    r, c = np.nonzero(a <= WARNING_AT)
    return RectangularMetrics(
        rows=by_row,
        columns=by_column,
        gaps=[col.node for col in by_column if col.contributors == 0],
        warnings=[
            (rows[int(i)], columns[int(j)], float(a[i, j])) for i, j in zip(r, c, strict=True)
        ],
    )


def agreement(scores: Sequence[float]) -> tuple[float | None, float, bool]:
    """Median, spread (highest - lowest) and whether the assessors disagree.

    They disagree when their scores are two or more points apart or of opposite signs.
    """
    if not scores:
        return None, 0.0, False
    values = np.asarray(scores, dtype=np.float64)
    low, high = float(values.min()), float(values.max())
    return float(np.median(values)), high - low, (high - low >= 2) or (low < 0 < high)
