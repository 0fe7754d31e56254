"""Writing framework documents back out as YAML, CSV and Excel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from ..tabular import (
    write_csv,
    write_xlsx,
)
from .document import (
    FRAMEWORK_FIELDS,
    NODE_COLUMNS,
    OPTIONAL_NODE_COLUMNS,
    FrameworkDocument,
    FrameworkMeta,
)


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
