"""Ranks among peers: hand-computed cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from territori.analytics.ranking import rank_panel

NAN = np.nan


def test_ranks_distances_and_terciles_by_hand() -> None:
    # given five units over two years, higher is better; a tie and a gap in year 2
    values = np.array(
        [
            [10.0, 4.0],
            [30.0, NAN],
            [20.0, 6.0],
            [20.0, 8.0],
            [5.0, 2.0],
        ]
    )
    # when
    result = rank_panel(values, polarity=1)
    # then: competition ranks, 20 and 20 share the second place
    assert result.rank[:, 0].tolist() == [4.0, 1.0, 2.0, 2.0, 5.0]
    assert result.rank[0, 1] == 3 and np.isnan(result.rank[1, 1])
    assert result.count.tolist() == [5.0, 4.0]
    assert result.best.tolist() == [30.0, 8.0]
    assert result.median.tolist() == [20.0, 5.0]  # median of 4, 6, 8, 2 is 5
    assert result.from_best[:, 0].tolist() == [-20.0, 0.0, -10.0, -10.0, -25.0]
    assert result.from_median[2, 1] == pytest.approx(1.0)
    # thirds of 5: rank <= 5/3 top, <= 10/3 middle, else bottom
    assert result.tercile[:, 0].tolist() == [3, 1, 2, 2, 3]
    # thirds of 4 in year 2: 8 -> 1, 6 -> 2, 4 -> 3 (3 > 8/3), 2 -> 3
    assert result.tercile[:, 1].tolist() == [3, 0, 2, 1, 3]


def test_lower_is_better_reverses_ranks_and_best() -> None:
    values = np.array([[3.0], [1.0], [2.0]])
    result = rank_panel(values, polarity=-1)
    assert result.rank[:, 0].tolist() == [3.0, 1.0, 2.0]
    assert result.best[0] == 1.0
    assert result.from_best[:, 0].tolist() == [2.0, 0.0, 1.0]


def test_a_year_without_values_has_no_rank_and_no_warning() -> None:
    values = np.array([[NAN, 1.0], [NAN, 2.0]])
    with np.errstate(all="raise"):
        result = rank_panel(values, polarity=1)
    assert np.isnan(result.best[0]) and np.isnan(result.median[0])
    assert result.tercile[:, 0].tolist() == [0, 0]


def test_bad_polarity_and_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="polarity"):
        rank_panel(np.zeros((2, 2)), polarity=0)
    with pytest.raises(ValueError, match="matrix"):
        rank_panel(np.zeros(3), polarity=1)


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 4)),
        elements=st.one_of(st.just(NAN), st.floats(-1e6, 1e6)),
    )
)
def test_ranks_match_a_sort_and_flip_with_polarity(values: np.ndarray) -> None:
    up = rank_panel(values, polarity=1)
    down = rank_panel(-values, polarity=-1)
    np.testing.assert_array_equal(up.rank, down.rank)  # the same order seen the other way
    for t in range(values.shape[1]):
        column = values[:, t]
        for u in np.nonzero(np.isfinite(column))[0]:
            assert up.rank[u, t] == 1 + np.sum(column[np.isfinite(column)] > column[u])
        present = np.isfinite(column)
        assert ((up.tercile[:, t] > 0) == present).all()
