"""A framework file as data: the framework's fields, its nodes and its links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("confirmed", "partial", "missing", "illustrative")
#: What a framework is to the site (the model's FrameworkRole): at most one framework each.
ROLES = ("agenda", "plan", "national", "regional")
LINK_KINDS = ("contributes_to", "corresponds_to", "part_of")
NODE_COLUMNS = ["framework", "code", "parent_code", "level", "title_it", "title_en", "description"]
OPTIONAL_NODE_COLUMNS = ["description_en", "order", "status", "source"]
FRAMEWORK_FIELDS = [
    "code",
    "name_it",
    "name_en",
    "short_name",
    "description_it",
    "description_en",
    "version",
    "valid_from",
    "valid_to",
    "status",
    "source",
    "order",
    "role",
]


@dataclass(slots=True)
class FrameworkMeta:
    code: str
    name_it: str
    name_en: str = ""
    short_name: str = ""
    description_it: str = ""
    description_en: str = ""
    version: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    levels: list[dict[str, str]] = field(default_factory=list)
    status: str = "confirmed"
    source: str = ""
    order: int = 0
    role: str = ""
    row: int = 0


@dataclass(slots=True)
class NodeRow:
    row: int
    framework: str
    code: str
    parent_code: str
    level: str
    title_it: str
    title_en: str = ""
    description_it: str = ""
    description_en: str = ""
    order: int = 0
    status: str = "confirmed"
    source: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class LinkRow:
    row: int
    source: str  # "FRAMEWORK:code"
    target: str
    kind: str
    note: str = ""
    reference: str = ""
    status: str = "confirmed"


@dataclass(slots=True)
class FrameworkDocument:
    frameworks: list[FrameworkMeta] = field(default_factory=list)
    nodes: list[NodeRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExistingFramework:
    """What the database already holds for a framework, for validation."""

    levels: tuple[str, ...]
    parents: Mapping[str, str]  # node code -> parent code ("" for a root)
