"""A YAML loader for files from outside: safe tags only, no aliases, bounded nesting.

Aliases are refused outright (a "billion laughs" file expands a few kilobytes of anchors
into gigabytes); none of our layouts needs them. Nesting deeper than `DEPTH_LIMIT` is
refused before the constructor recurses.
"""

from __future__ import annotations

from typing import Any

import yaml

DEPTH_LIMIT = 40


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases and with a nesting limit."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > DEPTH_LIMIT:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"nested more than {DEPTH_LIMIT} levels deep",
                    self.peek_event().start_mark,  # type: ignore[no-untyped-call]
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def strict_load(text: str) -> Any:
    """The document, or yaml.YAMLError (also for a NUL written as the escape "\\0")."""
    document = yaml.load(text, Loader=StrictLoader)
    if contains_nul(document):
        raise yaml.YAMLError("a NUL character (written \\0) in a value")
    return document


def contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(contains_nul(item) for item in value)
    return False


class LineLoader(StrictLoader):
    """The strict loader that also remembers the line of every mapping as '__line__', so
    that a problem found after loading can name its line."""


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping  # type: ignore[return-value]


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def line_of(document: Any, path: tuple[int | str, ...]) -> int:
    """The line of the innermost mapping along `path` in a document read with LineLoader."""
    line = 0
    node = document
    for key in path:
        if isinstance(node, dict):
            line = int(node.get("__line__", line))
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            break
    if isinstance(node, dict):
        line = int(node.get("__line__", line))
    return line


def without_lines(value: Any) -> Any:
    """The document without the '__line__' keys."""
    if isinstance(value, dict):
        return {k: without_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [without_lines(v) for v in value]
    return value
