"""Reading framework files: YAML (nested or flat nodes), CSV and Excel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import NO_ROWS, RowError
from ..limits import FRAMEWORK_ROWS_LIMIT, YAML_BYTES_LIMIT, YEAR_MAX, YEAR_MIN
from ..tabular import (
    Row,
    TableReadError,
    read_csv,
    read_xlsx,
    xlsx_sheet_names,
)
from ..yamlsafe import LineLoader, contains_nul
from .document import NODE_COLUMNS, FrameworkDocument, FrameworkMeta, LinkRow, NodeRow

# ---------------------------------------------------------------- YAML


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
        loaded = yaml.load(data.decode("utf-8-sig"), Loader=LineLoader)
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
