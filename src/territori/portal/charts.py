"""Vega-Lite specifications built in Python: one spec serves the page and (later) print."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Colour-blind-safe categorical palette (Okabe-Ito) for up to 8 groups, then Tableau 20.
ZONE_COLOURS = [
    "#0066cc",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#7a6a00",
    "#004d99",
    "#8c564b",
    "#5d5d5d",
    "#17becf",
    "#b8b8b8",
]


def _natural(label: str) -> tuple[int, str]:
    """Sort "2 Ovest" before "10 Chivassese"."""
    head = label.split(" ", 1)[0]
    return (int(head), label) if head.isdigit() else (10**6, label)


def _base(description: str, height: int) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": {"view": {"stroke": None}, "font": "Titillium Web, Geneva, Tahoma, sans-serif"},
    }


def comuni_map(
    *,
    topology_url: str,
    description: str,
    highlight: dict[str, str] | None = None,
    only: list[str] | None = None,
    legend_title: str = "",
    height: int = 420,
) -> dict[str, Any]:
    """Map of the comuni from the cached TopoJSON.

    `highlight` maps comune codes to a category (a zona, "selected"...), drawn in colour with
    a legend; the others are grey. `only` restricts the map to some comuni (a zona's members).
    """
    spec = _base(description, height)
    spec["data"] = {"url": topology_url, "format": {"type": "topojson", "feature": "comuni"}}
    spec["projection"] = {"type": "mercator"}
    transforms: list[dict[str, Any]] = []
    if only is not None:
        transforms.append({"filter": {"field": "properties.code", "oneOf": sorted(only)}})
    categories = highlight or {}
    other = _("other comuni")
    transforms.append(
        {
            "calculate": f"{json.dumps(categories)}[datum.properties.code] || {json.dumps(other)}",
            "as": "category",
        }
    )
    spec["transform"] = transforms
    names = sorted(set(categories.values()), key=_natural)
    domain = [*names, other] if categories else [other]
    spec["mark"] = {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4}
    spec["encoding"] = {
        "color": {
            "field": "category",
            "type": "nominal",
            "title": legend_title or _("Group"),
            "scale": {"domain": domain, "range": [*ZONE_COLOURS[: len(names)], "#d9dadb"]},
            "legend": {"orient": "bottom", "columns": 3} if categories else None,
        },
        "tooltip": [
            {"field": "properties.name", "type": "nominal", "title": _("Comune")},
            {"field": "category", "type": "nominal", "title": legend_title or _("Group")},
        ],
    }
    return spec
