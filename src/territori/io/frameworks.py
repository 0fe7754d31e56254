"""Framework files: YAML (framework, nested or flat nodes, links), CSV and Excel (one row a node).

Pure: reads bytes into a `FrameworkDocument`, validates it against the codes that already
exist, and writes documents back out. The frameworks service does the database part.

Columns of the CSV and Excel layout (Excel: sheet "nodes", optional sheet "framework" with
key/value rows for the framework's own fields):
framework, code, parent_code, level, title_it, title_en, description
(optional: description_en, order, status, source).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import NO_ROWS, RowError
from .limits import FRAMEWORK_ROWS_LIMIT, YAML_BYTES_LIMIT, YEAR_MAX, YEAR_MIN
from .tabular import (
    Row,
    TableReadError,
    read_csv,
    read_xlsx,
    write_csv,
    write_xlsx,
    xlsx_sheet_names,
)
from .yamlsafe import StrictLoader, contains_nul

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


# ---------------------------------------------------------------- YAML


class _LineLoader(StrictLoader):
    """The strict loader (no aliases, bounded nesting) that remembers the line of every
    mapping as '__line__'."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping  # type: ignore[return-value]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: Any, row: int, name: str, errors: list[RowError]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        if YEAR_MIN <= value.year <= YEAR_MAX:
            return value
        errors.append(RowError(row, name, f"year outside {YEAR_MIN}-{YEAR_MAX}", str(value)))
        return None
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if not YEAR_MIN <= day.year <= YEAR_MAX:
            errors.append(RowError(row, name, f"year outside {YEAR_MIN}-{YEAR_MAX}", text))
            return None
        return day
    errors.append(RowError(row, name, "not a date (use YYYY-MM-DD)", text))
    return None


ORDER_LIMIT = 1_000_000


def _int(value: Any, row: int, name: str, errors: list[RowError]) -> int:
    text = _text(value)
    if not text:
        return 0
    try:
        number = int(text)
    except ValueError:
        errors.append(RowError(row, name, "not a whole number", text))
        return 0
    if not 0 <= number <= ORDER_LIMIT:
        errors.append(RowError(row, name, f"must be between 0 and {ORDER_LIMIT:,}", text))
        return 0
    return number


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _meta_from_mapping(data: Mapping[str, Any], errors: list[RowError]) -> FrameworkMeta:
    row = int(data.get("__line__", 0))
    levels_raw = data.get("levels") or []
    levels: list[dict[str, str]] = []
    if not isinstance(levels_raw, list):
        errors.append(RowError(row, "levels", "must be a list of {code, it, en}"))
    else:
        for item in levels_raw:
            if isinstance(item, Mapping) and _text(item.get("code")):
                levels.append({k: _text(item.get(k)) for k in ("code", "it", "en")})
            else:
                errors.append(RowError(row, "levels", "each level needs a code", _text(item)))
    meta = FrameworkMeta(
        code=_text(data.get("code")),
        name_it=_text(data.get("name_it")),
        name_en=_text(data.get("name_en")),
        short_name=_text(data.get("short_name")),
        description_it=_text(data.get("description_it")),
        description_en=_text(data.get("description_en")),
        version=_text(data.get("version")),
        valid_from=_date(data.get("valid_from"), row, "valid_from", errors),
        valid_to=_date(data.get("valid_to"), row, "valid_to", errors),
        levels=levels,
        status=_text(data.get("status")) or "confirmed",
        source=_text(data.get("source")),
        order=_int(data.get("order"), row, "order", errors),
        role=_text(data.get("role")),
        row=row,
    )
    return meta


def _nodes_from_yaml(
    items: Any, framework: str, parent: str, errors: list[RowError], out: list[NodeRow], where: int
) -> None:
    if not isinstance(items, list):
        errors.append(RowError(where, "nodes", "must be a list"))
        return
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            errors.append(RowError(where, "nodes", "each node must be a mapping", _text(item)))
            continue
        row = int(item.get("__line__", where))
        parent_code = _text(item.get("parent_code", item.get("parent"))) or parent
        attributes = item.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            errors.append(RowError(row, "attributes", "must be a mapping"))
            attributes = {}
        node = NodeRow(
            row=row,
            framework=_text(item.get("framework")) or framework,
            code=_text(item.get("code")),
            parent_code=parent_code,
            level=_text(item.get("level")),
            title_it=_text(item.get("title_it")),
            title_en=_text(item.get("title_en")),
            description_it=_text(item.get("description_it", item.get("description"))),
            description_en=_text(item.get("description_en")),
            order=_int(item.get("order", position), row, "order", errors),
            status=_text(item.get("status")) or "confirmed",
            source=_text(item.get("source")),
            attributes=_strip_lines(dict(attributes)),
        )
        out.append(node)
        if "children" in item:
            _nodes_from_yaml(item["children"], node.framework, node.code, errors, out, row)


def read_yaml(data: bytes) -> tuple[FrameworkDocument, list[RowError]]:
    errors: list[RowError] = []
    if len(data) > YAML_BYTES_LIMIT:
        return FrameworkDocument(), [
            RowError(0, "file", f"larger than {YAML_BYTES_LIMIT // 1024**2} MB of YAML")
        ]
    try:
        loaded = yaml.load(data.decode("utf-8-sig"), Loader=_LineLoader)
    except UnicodeDecodeError:
        return FrameworkDocument(), [RowError(0, "encoding", "the file is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return FrameworkDocument(), [
            RowError(line, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}")
        ]
    if not isinstance(loaded, Mapping):
        return FrameworkDocument(), [
            RowError(0, "file", "expected a mapping with 'framework', 'nodes', 'links'")
        ]
    if contains_nul(loaded):
        return FrameworkDocument(), [
            RowError(0, "yaml", "a NUL character (written \\0) in a value")
        ]
    document = FrameworkDocument()
    framework_code = ""
    if "framework" in loaded:
        if not isinstance(loaded["framework"], Mapping):
            errors.append(
                RowError(int(loaded.get("__line__", 0)), "framework", "must be a mapping")
            )
        else:
            meta = _meta_from_mapping(loaded["framework"], errors)
            document.frameworks.append(meta)
            framework_code = meta.code
    if "nodes" in loaded:
        _nodes_from_yaml(loaded["nodes"], framework_code, "", errors, document.nodes, 0)
    for position, item in enumerate(loaded.get("links") or [], start=1):
        if not isinstance(item, Mapping):
            errors.append(RowError(0, "links", f"link {position} must be a mapping"))
            continue
        document.links.append(
            LinkRow(
                row=int(item.get("__line__", 0)),
                source=_text(item.get("from")),
                target=_text(item.get("to")),
                kind=_text(item.get("kind")),
                note=_text(item.get("note")),
                reference=_text(item.get("source")),
                status=_text(item.get("status")) or "confirmed",
            )
        )
    unknown = set(loaded) - {"framework", "nodes", "links", "__line__"}
    for key in sorted(unknown):
        errors.append(RowError(0, key, "unknown section (expected framework, nodes, links)"))
    return document, errors


# ---------------------------------------------------------------- CSV and Excel


def _nodes_from_rows(rows: list[Row], errors: list[RowError]) -> list[NodeRow]:
    if rows:
        columns = set(rows[0].values)
        for name in NODE_COLUMNS:
            if name not in columns and not (name == "description" and "description_it" in columns):
                errors.append(RowError(1, name, "required column is missing"))
        if errors:
            return []
    nodes = []
    for row in rows:
        nodes.append(
            NodeRow(
                row=row.line,
                framework=row.get("framework"),
                code=row.get("code"),
                parent_code=row.get("parent_code"),
                level=row.get("level"),
                title_it=row.get("title_it"),
                title_en=row.get("title_en"),
                description_it=row.get("description") or row.get("description_it"),
                description_en=row.get("description_en"),
                order=_int(row.get("order"), row.line, "order", errors),
                status=row.get("status") or "confirmed",
                source=row.get("source"),
            )
        )
    return nodes


def read_csv_document(data: bytes) -> tuple[FrameworkDocument, list[RowError]]:
    errors: list[RowError] = []
    try:
        rows = list(read_csv(data, rows_limit=FRAMEWORK_ROWS_LIMIT))
    except TableReadError as exc:
        return FrameworkDocument(), [exc.error]
    if not rows:
        return FrameworkDocument(), [RowError(0, "file", NO_ROWS)]
    nodes = _nodes_from_rows(rows, errors)
    return FrameworkDocument(nodes=nodes), errors


def read_xlsx_document(data: bytes) -> tuple[FrameworkDocument, list[RowError]]:
    errors: list[RowError] = []
    try:
        sheets = xlsx_sheet_names(data)
        rows = list(
            read_xlsx(data, "nodes" if "nodes" in sheets else None, rows_limit=FRAMEWORK_ROWS_LIMIT)
        )
        document = FrameworkDocument(nodes=_nodes_from_rows(rows, errors))
        if "framework" in sheets:
            meta: dict[str, Any] = {}
            for row in read_xlsx(data, "framework"):
                key, value = row.get("field"), row.get("value")
                if key == "levels":
                    meta["levels"] = [
                        dict(zip(("code", "it", "en"), part.split("|"), strict=False))
                        for part in value.split(";")
                        if part.strip()
                    ]
                elif key:
                    meta[key] = value
                meta.setdefault("__line__", row.line)
            document.frameworks.append(_meta_from_mapping(meta, errors))
    except TableReadError as exc:
        return FrameworkDocument(), [exc.error]
    except Exception as exc:  # a workbook openpyxl cannot open at all
        return FrameworkDocument(), [RowError(0, "file", f"not a readable Excel workbook ({exc})")]
    return document, errors


def read_framework_file(data: bytes, filename: str) -> tuple[FrameworkDocument, list[RowError]]:
    """Read a framework file by its suffix: .yaml/.yml, .csv or .xlsx."""
    suffix = Path(filename).suffix.lower()
    if suffix in {".yaml", ".yml"}:
        return read_yaml(data)
    if suffix == ".csv":
        return read_csv_document(data)
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx_document(data)
    return FrameworkDocument(), [
        RowError(
            0, "file", f"unsupported file type '{suffix or filename}': use .yaml, .csv or .xlsx"
        )
    ]


# ---------------------------------------------------------------- validation


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


# ---------------------------------------------------------------- writing


def _meta_dict(meta: FrameworkMeta) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in FRAMEWORK_FIELDS:
        value = getattr(meta, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value not in ("", None):
            data[name] = value
    data["levels"] = meta.levels
    return data


def write_yaml(document: FrameworkDocument) -> bytes:
    out: dict[str, Any] = {}
    if document.frameworks:
        out["framework"] = _meta_dict(document.frameworks[0])
    nodes = []
    for node in document.nodes:
        item: dict[str, Any] = {"code": node.code, "level": node.level, "title_it": node.title_it}
        if node.parent_code:
            item["parent"] = node.parent_code
        for name in ("title_en", "description_it", "description_en", "source"):
            if getattr(node, name):
                item[name] = getattr(node, name)
        item["order"] = node.order
        item["status"] = node.status
        if node.attributes:
            item["attributes"] = node.attributes
        nodes.append(item)
    out["nodes"] = nodes
    if document.links:
        out["links"] = [
            {
                "from": link.source,
                "to": link.target,
                "kind": link.kind,
                **({"note": link.note} if link.note else {}),
                **({"source": link.reference} if link.reference else {}),
                "status": link.status,
            }
            for link in document.links
        ]
    return yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")


def _node_table(document: FrameworkDocument) -> tuple[list[str], list[list[object]]]:
    header = [*NODE_COLUMNS, *OPTIONAL_NODE_COLUMNS]
    rows: list[list[object]] = [
        [
            node.framework,
            node.code,
            node.parent_code,
            node.level,
            node.title_it,
            node.title_en,
            node.description_it,
            node.description_en,
            node.order,
            node.status,
            node.source,
        ]
        for node in document.nodes
    ]
    return header, rows


def write_csv_document(document: FrameworkDocument) -> bytes:
    header, rows = _node_table(document)
    return write_csv(header, rows)


def write_xlsx_document(document: FrameworkDocument) -> bytes:
    header, rows = _node_table(document)
    sheets: dict[str, list[list[object]]] = {"nodes": [list[object](header), *rows]}
    if document.frameworks:
        meta = _meta_dict(document.frameworks[0])
        levels = ";".join(
            "|".join(level.get(k, "") for k in ("code", "it", "en")) for level in meta.pop("levels")
        )
        sheets["framework"] = [
            ["field", "value"],
            *[[k, v] for k, v in meta.items()],
            ["levels", levels],
        ]
    return write_xlsx(sheets)


WRITERS = {"yaml": write_yaml, "csv": write_csv_document, "xlsx": write_xlsx_document}
