"""Coherence metrics against the worked example of methods.md §8 and hand-computed matrices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from territori.analytics.coherence import (
    agreement,
    micmac,
    rectangular_metrics,
    reinforcing_clusters,
    square_metrics,
)

EXAMPLE = np.array([[0, 2, 1], [1, 0, 3], [0, 1, 0]], dtype=float)


def test_methods_worked_example() -> None:
    m = square_metrics(EXAMPLE, ["a", "b", "c"], alpha=0.5, order=2)
    assert micmac(EXAMPLE, alpha=0.5, order=2) == pytest.approx(
        np.array([[0, 2.5, 4], [1, 0, 3.5], [0.5, 1, 0]])
    )
    assert list(m.motricity) == pytest.approx([6.5, 4.5, 1.5])
    assert list(m.dependence) == pytest.approx([1.5, 3.5, 7.5])
    assert list(m.second_order) == pytest.approx([7, 1, 1])
    assert list(m.out) == [3, 4, 1] and list(m.in_) == [1, 3, 4] and list(m.net) == [2, 1, -3]
    # means 12.5/3 = 4.17 for both: a and b drive, c depends
    assert m.quadrant == ["determinant", "determinant", "result"]
    assert m.warnings == [] and m.out_neg.sum() == 0


def test_signed_matrix_parts_warnings_and_diagonal() -> None:
    a = np.array([[9, 3, -2], [-3, 5, 1], [2, np.nan, -7]], dtype=float)  # diagonal ignored
    m = square_metrics(a, ["x", "y", "z"])
    assert list(m.out_pos) == [3, 1, 2] and list(m.out_neg) == [-2, -3, 0]
    assert list(m.in_pos) == [2, 3, 1] and list(m.in_neg) == [-3, 0, -2]
    assert list(m.out) == [1, -2, 2] and list(m.net) == [2, -5, 3]
    assert m.warnings == [("x", "z", -2.0), ("y", "x", -3.0)]
    # A² without diagonal, row x: (x→y→z) 3*1 = 3 plus (x→z→y) -2*0 = 0 → 3
    assert m.second_order[0] == pytest.approx(3.0)
    # order 1: M_tot is the matrix itself
    assert micmac(a, order=1) == pytest.approx(np.nan_to_num(a * (1 - np.eye(3))))


def test_clusters_are_groups_that_reinforce_each_other() -> None:
    a = np.zeros((5, 5))
    a[0, 1] = a[1, 0] = a[1, 2] = 3  # a, b, c reinforce each other
    a[3, 4] = a[4, 3] = 2  # d and e too
    a[2, 3] = -3  # a conflict does not join the groups
    assert reinforcing_clusters(a, list("abcde")) == [["a", "b", "c"], ["d", "e"]]
    assert reinforcing_clusters(-np.abs(a), list("abcde")) == []  # only conflicts: no cluster


square = arrays(
    np.float64,
    st.integers(2, 6).map(lambda n: (n, n)),
    elements=st.integers(-3, 3).map(float),
)


@settings(max_examples=60, deadline=None)
@given(square)
def test_transposing_swaps_influence_and_influenced(a: np.ndarray) -> None:
    nodes = [f"n{i}" for i in range(a.shape[0])]
    m, t = square_metrics(a, nodes), square_metrics(a.T, nodes)
    assert t.out == pytest.approx(m.in_) and t.in_ == pytest.approx(m.out)
    assert t.net == pytest.approx(-m.net)
    assert t.out_pos == pytest.approx(m.in_pos) and t.out_neg == pytest.approx(m.in_neg)
    assert t.motricity == pytest.approx(m.dependence)
    assert m.out.sum() == pytest.approx(m.in_.sum())


def test_rectangular_contributions_coverage_and_gaps() -> None:
    a = np.array([[2, 0, -1, np.nan], [3, 1, -2, np.nan]], dtype=float)
    r = rectangular_metrics(a, ["p1", "p2"], ["M1", "M2", "M3", "M4"])
    assert [(x.node, x.positive, x.negative, x.touched) for x in r.rows] == [
        ("p1", 2.0, -1.0, ["M1", "M3"]),
        ("p2", 4.0, -2.0, ["M1", "M2", "M3"]),
    ]
    m1, m2, m3, m4 = r.columns
    assert (m1.contributors, m1.strength, m1.conflicts) == (2, 5.0, 0)
    assert (m3.contributors, m3.conflicts, m3.negative, m3.worst) == (0, 2, -3.0, -2.0)
    assert (m4.scored, m2.scored) == (0, 2)
    assert r.gaps == ["M3", "M4"] and r.warnings == [("p2", "M3", -2.0)]


def test_agreement_of_assessors() -> None:
    assert agreement([2, 2, 3]) == (2.0, 1.0, False)
    assert agreement([2, 0]) == (1.0, 2.0, True)  # two points apart
    assert agreement([1, -1])[2] is True  # opposite signs
    assert agreement([]) == (None, 0.0, False)


def test_bad_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match="square"):
        square_metrics(np.zeros((2, 3)), ["a", "b"])
    with pytest.raises(ValueError, match="node codes"):
        square_metrics(np.zeros((2, 2)), ["a"])
