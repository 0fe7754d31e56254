"""Feedback loops of a causal (systems) map: every elementary cycle of the signed, directed
graph of influences, named by its polarity.

A loop is reinforcing (R) when the product of its signs is positive (an even number of
negative links), balancing (B) when it is negative — the convention of causal loop diagrams
(Sterman, *Business Dynamics*, 2000, ch. 5). Its delay is the sum of its links' delays. The
cycles are enumerated length by length (so a limit keeps the shortest) by a depth-first
search along simple paths, each cycle once, from its smallest node (as in Johnson's algorithm, SIAM J. Comput. 4(1), 1975, without its blocking
lists, which a length bound would make unsound); `max_length` and `limit` bound the work so
that a dense map cannot run away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

N = TypeVar("N", bound=Hashable)

REINFORCING, BALANCING = "reinforcing", "balancing"


@dataclass(frozen=True)
class Link(Generic[N]):
    source: N
    target: N
    sign: int  # +1 or -1
    delay: int = 0  # in whatever unit the map uses (months, years); 0 = none


@dataclass(frozen=True)
class Loop(Generic[N]):
    nodes: tuple[N, ...]  # in order, starting from the smallest; the loop closes back to it
    signs: tuple[int, ...]
    delay: int

    @property
    def polarity(self) -> str:
        negatives = sum(1 for s in self.signs if s < 0)
        return REINFORCING if negatives % 2 == 0 else BALANCING

    @property
    def length(self) -> int:
        return len(self.nodes)


def feedback_loops(
    links: Iterable[Link[N]], *, max_length: int = 8, limit: int = 500
) -> tuple[list[Loop[N]], bool]:
    """The elementary loops of `links` of at most `max_length` nodes, shortest first (then by
    their nodes), and whether the enumeration stopped at `limit`. Parallel links between
    the same two nodes are refused (one influence per ordered pair)."""
    edges: dict[N, dict[N, Link[N]]] = defaultdict(dict)
    for link in links:
        if link.sign not in (1, -1):
            raise ValueError(f"{link.source}→{link.target}: the sign is +1 or -1")
        if link.target in edges[link.source]:
            raise ValueError(f"{link.source}→{link.target}: more than one influence")
        edges[link.source][link.target] = link
    nodes = sorted({n for s, ts in edges.items() for n in (s, *ts)}, key=_order)
    rank = {n: i for i, n in enumerate(nodes)}
    found: list[Loop[N]] = []
    # Length by length, so that when `limit` stops the search the loops kept are the
    # shortest ones (the ones a reader of the map looks at first).
    for length in range(1, max_length + 1):
        for start in nodes:
            if _search(start, [start], edges, rank, found, length=length, limit=limit):
                found.sort(key=_loop_order)
                return found, True
    found.sort(key=_loop_order)
    return found, False


def _search(
    start: N,
    path: list[N],
    edges: dict[N, dict[N, Link[N]]],
    rank: dict[N, int],
    found: list[Loop[N]],
    *,
    length: int,
    limit: int,
) -> bool:
    """Depth-first along simple paths from `start` through nodes ranked after it (so each
    loop is found once, from its smallest node), keeping the loops of exactly `length`
    nodes; True when `limit` loops were found."""
    node = path[-1]
    for target in sorted(edges.get(node, {}), key=_order):
        if target == start:
            if len(path) != length:
                continue
            if len(found) >= limit:
                return True
            steps = [edges[a][b] for a, b in zip(path, [*path[1:], start], strict=True)]
            found.append(
                Loop(tuple(path), tuple(s.sign for s in steps), sum(s.delay for s in steps))
            )
        elif rank[target] > rank[start] and target not in path and len(path) < length:
            path.append(target)
            stopped = _search(start, path, edges, rank, found, length=length, limit=limit)
            path.pop()
            if stopped:
                return True
    return False


def _loop_order(loop: Loop[N]) -> tuple[int, list[tuple[str, str]]]:
    return (loop.length, [_order(n) for n in loop.nodes])


def _order(node: Hashable) -> tuple[str, str]:
    return (type(node).__name__, str(node))
