"""Checking a framework document against the frameworks that already exist."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import RowError
from .document import (
    LINK_KINDS,
    ROLES,
    STATUSES,
    ExistingFramework,
    FrameworkDocument,
    FrameworkMeta,
)


def validate_document(
    document: FrameworkDocument, existing: Mapping[str, ExistingFramework]
) -> list[RowError]:
    """Every problem of the document, given the frameworks the database already has.

    Checks: framework known (in the file or the database), required fields, duplicate codes,
    unknown parents, parent cycles, levels known to the framework, statuses, link ends.
    """
    errors: list[RowError] = []
    metas: dict[str, FrameworkMeta] = {}
    for meta in document.frameworks:
        if not meta.code:
            errors.append(RowError(meta.row, "code", "the framework needs a code"))
            continue
        if not meta.name_it:
            errors.append(RowError(meta.row, "name_it", "the framework needs an Italian name"))
        if meta.status not in STATUSES:
            errors.append(
                RowError(meta.row, "status", f"must be one of {', '.join(STATUSES)}", meta.status)
            )
        if meta.role and meta.role not in ROLES:
            errors.append(
                RowError(meta.row, "role", f"must be empty or one of {', '.join(ROLES)}", meta.role)
            )
        if meta.valid_from and meta.valid_to and meta.valid_to < meta.valid_from:
            errors.append(
                RowError(meta.row, "valid_to", "ends before it starts", meta.valid_to.isoformat())
            )
        metas[meta.code] = meta
    roles = [meta.role for meta in document.frameworks if meta.role]
    for meta in document.frameworks:
        if meta.role and roles.count(meta.role) > 1:
            errors.append(
                RowError(meta.row, "role", "another framework in the file has this role", meta.role)
            )

    # Parent map per framework: database first, the file overrides.
    parents: dict[str, dict[str, str]] = {code: dict(fw.parents) for code, fw in existing.items()}
    seen: dict[tuple[str, str], int] = {}
    for node in document.nodes:
        if not node.framework:
            errors.append(RowError(node.row, "framework", "missing framework code"))
            continue
        if node.framework not in metas and node.framework not in existing:
            errors.append(
                RowError(
                    node.row,
                    "framework",
                    "unknown framework: create it first or describe it in the file",
                    node.framework,
                )
            )
            continue
        if not node.code:
            errors.append(RowError(node.row, "code", "missing node code"))
            continue
        key = (node.framework, node.code)
        if key in seen:
            errors.append(
                RowError(node.row, "code", f"duplicate code (first at row {seen[key]})", node.code)
            )
            continue
        seen[key] = node.row
        if not node.title_it:
            errors.append(RowError(node.row, "title_it", "missing Italian title", node.code))
        if not node.level:
            errors.append(RowError(node.row, "level", "missing level", node.code))
        else:
            levels = (
                [level["code"] for level in metas[node.framework].levels]
                if node.framework in metas
                else list(existing[node.framework].levels)
            )
            if levels and node.level not in levels:
                errors.append(
                    RowError(
                        node.row,
                        "level",
                        f"unknown level (expected one of {', '.join(levels)})",
                        node.level,
                    )
                )
        if node.status not in STATUSES:
            errors.append(
                RowError(node.row, "status", f"must be one of {', '.join(STATUSES)}", node.status)
            )
        if node.parent_code == node.code:
            errors.append(
                RowError(node.row, "parent_code", "a node cannot be its own parent", node.code)
            )
        parents.setdefault(node.framework, {})[node.code] = node.parent_code

    for node in document.nodes:
        if (node.framework, node.code) not in seen or seen[(node.framework, node.code)] != node.row:
            continue
        tree = parents.get(node.framework, {})
        if node.parent_code and node.parent_code not in tree:
            errors.append(RowError(node.row, "parent_code", "unknown parent", node.parent_code))
            continue
        # Walk up: a cycle returns to this node.
        visited = {node.code}
        current = node.parent_code
        while current:
            if current in visited:
                if current == node.code and node.parent_code != node.code:
                    errors.append(
                        RowError(
                            node.row,
                            "parent_code",
                            "cycle: the node is its own ancestor",
                            node.parent_code,
                        )
                    )
                break
            visited.add(current)
            current = tree.get(current, "")

    known_nodes = {(fw, code) for fw, tree in parents.items() for code in tree}
    seen_links: dict[tuple[str, str, str], int] = {}
    for link in document.links:
        ends = []
        for name, ref in (("from", link.source), ("to", link.target)):
            framework, _, code = ref.partition(":")
            if not code:
                errors.append(RowError(link.row, name, "write the node as FRAMEWORK:code", ref))
            elif (framework, code) not in known_nodes:
                errors.append(RowError(link.row, name, "unknown node", ref))
            ends.append(framework)
        if len(ends) == 2 and ends[0] == ends[1] and link.source and link.target:
            errors.append(
                RowError(
                    link.row, "to", "a link joins nodes of two different frameworks", link.target
                )
            )
        if link.kind not in LINK_KINDS:
            errors.append(
                RowError(link.row, "kind", f"must be one of {', '.join(LINK_KINDS)}", link.kind)
            )
        if link.status not in STATUSES:
            errors.append(
                RowError(link.row, "status", f"must be one of {', '.join(STATUSES)}", link.status)
            )
        link_key = (link.source, link.target, link.kind)
        if link_key in seen_links:
            errors.append(
                RowError(
                    link.row,
                    "to",
                    f"duplicate link (first at row {seen_links[link_key]})",
                    link.target,
                )
            )
        seen_links[link_key] = link.row
    return sorted(errors, key=lambda error: (error.row, error.field))
