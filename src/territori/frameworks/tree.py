"""The order in which a framework's nodes are read: a tree, depth first.

Pure functions (no models), used by the services and by the migration that filled the
positions in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: pk, parent pk (None for a root), order among siblings, code.
NodeKey = tuple[int, int | None, int, str]


def natural_key(code: str) -> tuple[tuple[int, int | str], ...]:
    """A code read with its numbers as numbers: "1.2" < "1.10" < "2.1", "SDG 9" < "SDG 17"."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", code)
        if part
    )


def tree_positions(nodes: Iterable[NodeKey]) -> dict[int, int]:
    """Position of each node when the tree is read depth first: a parent before its children,
    siblings by their order and then by code read naturally. A node whose parent is not
    among `nodes` counts as a root."""
    rows = list(nodes)
    known = {pk for pk, _parent, _order, _code in rows}
    children: dict[int | None, list[NodeKey]] = {}
    for row in rows:
        parent = row[1] if row[1] in known else None
        children.setdefault(parent, []).append(row)
    for siblings in children.values():
        siblings.sort(key=lambda row: (row[2], natural_key(row[3])))
    positions: dict[int, int] = {}
    stack = list(reversed(children.get(None, [])))
    while stack:
        pk = stack.pop()[0]
        if pk in positions:  # a cycle the validation missed: never loop
            continue
        positions[pk] = len(positions) + 1
        stack.extend(reversed(children.get(pk, [])))
    for pk in known - set(positions):  # only reachable through a cycle
        positions[pk] = len(positions) + 1
    return positions
