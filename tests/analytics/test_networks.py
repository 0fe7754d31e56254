"""Network metrics against small graphs computed by hand (methods.md §9)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from territori.analytics.networks import brokerage, network_metrics, project_memberships

# N1 = {A, B, C}, N2 = {C, D}, N3 = {D, E}: ties A-B, A-C, B-C, C-D, D-E
MEMBERSHIPS = [
    ("A", "N1"),
    ("B", "N1"),
    ("C", "N1"),
    ("C", "N2"),
    ("D", "N2"),
    ("D", "N3"),
    ("E", "N3"),
]


def test_projection_weights_shared_memberships() -> None:
    p = project_memberships([*MEMBERSHIPS, ("A", "N4"), ("B", "N4")])
    assert p.nodes == ["A", "B", "C", "D", "E"]
    w = p.weights.toarray()
    assert w[0, 1] == 2 and w[0, 2] == 1 and w[2, 3] == 1 and w[0, 4] == 0
    assert (w == w.T).all() and np.diag(w).sum() == 0


@pytest.mark.parametrize("exact_limit", [2000, 0])  # exact, and the pivot estimate with all pivots
def test_metrics_by_hand(exact_limit: int) -> None:
    m = network_metrics(project_memberships(MEMBERSHIPS), exact_limit=exact_limit, pivots=5)
    assert m.approximate is (exact_limit == 0)
    assert list(m.degree) == [2, 2, 3, 2, 1]
    # shortest paths through C: A-D, A-E, B-D, B-E (4); through D: A-E, B-E, C-E (3);
    # normalised by the (5-1)(5-2)/2 = 6 pairs
    assert m.betweenness == pytest.approx([0, 0, 4 / 6, 3 / 6, 0])
    # A reaches B, C at 1, D at 2, E at 3: mean 7/4; C: 1, 1, 1, 2: mean 5/4
    assert m.closeness[0] == pytest.approx(4 / 7) and m.closeness[2] == pytest.approx(0.8)
    assert m.density == pytest.approx(0.5) and m.components == 1
    # effective size: A 2 - 2·1/2 = 1; C 3 - 2·1/3; D 2 (C and E not tied); E 1
    assert m.effective_size == pytest.approx([1, 1, 3 - 2 / 3, 2, 1])
    # Burt's constraint: E (one tie) 1; D: 0.5² + 0.5² = 0.5;
    # A: (p_AB + p_AC p_CB)² + (p_AC + p_AB p_BC)² = (1/2 + 1/6)² + (1/2 + 1/4)²
    assert m.constraint[4] == pytest.approx(1.0)
    assert m.constraint[3] == pytest.approx(0.5)
    assert m.constraint[0] == pytest.approx((2 / 3) ** 2 + 0.75**2)


def test_communities_and_components() -> None:
    two_groups = [(o, "X") for o in "abcd"] + [(o, "Y") for o in "efgh"] + [("d", "Z"), ("e", "Z")]
    m = network_metrics(project_memberships([*two_groups, ("lone", "W")]))
    community = dict(zip(m.nodes, m.community, strict=True))
    assert len({community[o] for o in "abcd"}) == 1 and len({community[o] for o in "efgh"}) == 1
    assert community["a"] != community["h"]
    assert m.components == 2 and m.degree[m.nodes.index("lone")] == 0
    assert np.isnan(m.constraint[m.nodes.index("lone")])
    again = network_metrics(project_memberships([*two_groups, ("lone", "W")]))
    assert list(again.community) == list(m.community)  # reproducible


def test_brokerage_roles_by_hand() -> None:
    # J(a) X1(a) X2(a) Y(b) Z(c) W(a); ties J-X1, J-X2, X1-X2, J-Y, Y-Z, Y-W
    names = ["J", "X1", "X2", "Y", "Z", "W"]
    groups = ["a", "a", "a", "b", "c", "a"]
    ties = [("J", "X1"), ("J", "X2"), ("X1", "X2"), ("J", "Y"), ("Y", "Z"), ("Y", "W")]
    i = [names.index(x) for x, _y in ties]
    j = [names.index(y) for _x, y in ties]
    w = sp.csr_matrix((np.ones(len(ties)), (i, j)), shape=(6, 6))
    roles = brokerage((w + w.T).tocsr(), groups)
    # J: open pairs (X1,Y) (X2,Y) → representative 2, and (Y,X1) (Y,X2) → gatekeeper 2
    # Y: (J,W) (W,J) → itinerant 2; (J,Z) (Z,J) (W,Z) (Z,W) → liaison 4
    assert list(roles["representative"]) == [2, 0, 0, 0, 0, 0]
    assert list(roles["gatekeeper"]) == [2, 0, 0, 0, 0, 0]
    assert list(roles["itinerant"]) == [0, 0, 0, 2, 0, 0]
    assert list(roles["liaison"]) == [0, 0, 0, 4, 0, 0]
    assert list(roles["coordinator"]) == [0] * 6  # X1-X2 is closed
    # open the triangle: J now coordinates X1 and X2 in both orders
    w2 = w.tolil()
    w2[names.index("X1"), names.index("X2")] = 0
    w2 = w2.tocsr()
    assert brokerage((w2 + w2.T).tocsr(), groups)["coordinator"][0] == 2


def test_sampled_estimates_are_close_on_a_larger_graph() -> None:
    rng = np.random.default_rng(3)
    memberships = [
        (f"o{o}", f"n{n}") for n in range(150) for o in rng.choice(600, 6, replace=False)
    ]
    projection = project_memberships(memberships)
    exact = network_metrics(projection)
    estimate = network_metrics(projection, exact_limit=100, pivots=300)
    assert estimate.approximate and not exact.approximate
    # the most central organisations agree, and closeness within 5 % on average
    top = set(np.argsort(-exact.betweenness)[:20])
    assert len(top & set(np.argsort(-estimate.betweenness)[:20])) >= 14
    reach = exact.closeness > 0
    assert np.mean(np.abs(estimate.closeness[reach] / exact.closeness[reach] - 1)) < 0.05
