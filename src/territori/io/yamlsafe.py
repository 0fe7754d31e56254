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
