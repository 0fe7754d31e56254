"""Feedback loops of a signed causal map, against hand-enumerated cycles and polarities."""

from __future__ import annotations

import itertools
import random

import pytest

from territori.analytics.loops import BALANCING, REINFORCING, Link, feedback_loops


def L(source: str, target: str, sign: int = 1, delay: int = 0) -> Link[str]:
    return Link(source, target, sign, delay)


def test_two_node_loops_and_their_polarity() -> None:
    loops, truncated = feedback_loops([L("a", "b", 1), L("b", "a", 1)])
    assert not truncated
    assert [(lp.nodes, lp.polarity) for lp in loops] == [(("a", "b"), REINFORCING)]
    loops, _ = feedback_loops([L("a", "b", 1), L("b", "a", -1)])
    assert loops[0].polarity == BALANCING
    loops, _ = feedback_loops([L("a", "b", -1), L("b", "a", -1)])
    assert loops[0].polarity == REINFORCING  # two negatives make a reinforcing loop


def test_self_loop_triangle_and_the_delay_sum() -> None:
    """a→b(+,2) b→c(−,0) c→a(+,3): one balancing loop of delay 5; a→a(−): a balancing
    self-loop; b→a(+) adds a reinforcing two-node loop a→b→a."""
    links = [
        L("a", "b", 1, 2),
        L("b", "c", -1),
        L("c", "a", 1, 3),
        L("a", "a", -1),
        L("b", "a", 1),
    ]
    loops, _ = feedback_loops(links)
    got = [(lp.nodes, lp.signs, lp.delay, lp.polarity) for lp in loops]
    assert got == [
        (("a",), (-1,), 0, BALANCING),
        (("a", "b"), (1, 1), 2, REINFORCING),
        (("a", "b", "c"), (1, -1, 1), 5, BALANCING),
    ]


def test_a_complete_graph_has_the_known_number_of_cycles() -> None:
    """A complete directed graph on n nodes has Σ_{k=2..n} C(n,k)(k−1)! elementary cycles:
    for n = 5, 10 + 20 + 30 + 24 = 84."""
    nodes = "abcde"
    links = [L(a, b) for a, b in itertools.permutations(nodes, 2)]
    loops, truncated = feedback_loops(links)
    assert not truncated
    assert len(loops) == 84
    assert len({lp.nodes for lp in loops}) == 84  # each once
    assert sum(1 for lp in loops if lp.length == 3) == 20
    assert feedback_loops(links, max_length=3)[0] == [lp for lp in loops if lp.length <= 3]


def test_limit_stops_and_says_so() -> None:
    links = [L(a, b) for a, b in itertools.permutations("abcdef", 2)]
    loops, truncated = feedback_loops(links, limit=10)
    assert truncated and len(loops) == 10


def test_bad_links_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="a→b: the sign is"):
        feedback_loops([L("a", "b", 0)])
    with pytest.raises(ValueError, match="a→b: more than one influence"):
        feedback_loops([L("a", "b", 1), L("a", "b", -1)])


def test_agrees_with_a_brute_force_enumeration_on_random_maps() -> None:
    """Every cycle found is a real cycle and every cycle of a brute force over node
    permutations is found (random sparse maps of 7 nodes, fixed seed)."""
    rng = random.Random(20261204)
    nodes = list("abcdefg")
    for _ in range(25):
        pairs = [(a, b) for a in nodes for b in nodes if rng.random() < 0.25]
        links = [L(a, b, rng.choice((1, -1))) for a, b in pairs]
        edges = {(a, b) for a, b in pairs}
        expected = set()
        for k in range(1, len(nodes) + 1):
            for combo in itertools.permutations(nodes, k):
                if combo[0] != min(combo):
                    continue
                steps = zip(combo, [*combo[1:], combo[0]], strict=True)
                if all(step in edges for step in steps):
                    expected.add(combo)
        loops, _ = feedback_loops(links, max_length=len(nodes))
        assert {lp.nodes for lp in loops} == expected


def test_the_limit_keeps_the_shortest_loops() -> None:
    """A dense map whose depth-first order meets long loops first: with a limit, the loops
    kept are the shortest (here the 2-node loop z→a→z comes first, not dropped)."""
    links = [L(a, b) for a, b in itertools.permutations("abcdefg", 2)]
    links += [L("a", "z", -1), L("z", "a", 1)]
    loops, truncated = feedback_loops(links, limit=30)
    assert truncated
    assert loops[0].length == 2
    assert ("a", "z") in {lp.nodes for lp in loops}
    # all C(7,2) + 1 = 22 two-node loops, then the first 8 of the three-node ones
    assert sum(1 for lp in loops if lp.length == 2) == 22
    assert sum(1 for lp in loops if lp.length == 3) == 8
