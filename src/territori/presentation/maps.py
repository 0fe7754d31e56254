"""Maps as Vega-Lite specifications: the comuni, values by area, places as points."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from territori.presentation.charts import ZONE_COLOURS, base_spec, natural_order


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
    spec = base_spec(description, height)
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
    names = sorted(set(categories.values()), key=natural_order)
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


def choropleth(
    *,
    topology_url: str,
    values: list[dict[str, Any]],
    description: str,
    legend_title: str,
    reverse: bool = False,
    height: int = 420,
    feature: str = "comuni",
    name_title: str = "",
    outline: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Areas coloured by a value (values: code, name, value); areas without data in grey.

    `feature` is the TopoJSON object (the comuni of CMTo, or the provinces of Italy);
    `outline` draws the border of some areas (by code) in their territory's colour, the
    colour they have on the other charts."""
    spec = base_spec(description, height)
    spec["projection"] = {"type": "mercator"}
    source = {"url": topology_url, "format": {"type": "topojson", "feature": feature}}
    lookup = {
        "lookup": "properties.code",
        "from": {"data": {"values": values}, "key": "code", "fields": ["value"]},
    }
    spec["layer"] = [
        {
            "data": source,
            "mark": {
                "type": "geoshape",
                "fill": "#d9dadb",
                "stroke": "#ffffff",
                "strokeWidth": 0.4,
                "aria": False,  # decorative background (comuni without data)
            },
        },
        {
            "data": source,
            "transform": [lookup, {"filter": "isValid(datum.value)"}],
            "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4},
            "encoding": {
                "color": {
                    "field": "value",
                    "type": "quantitative",
                    "title": legend_title,
                    "scale": {"scheme": "blues", "reverse": reverse},
                    "legend": {"orient": "bottom", "gradientLength": 260},
                },
                "tooltip": [
                    {
                        "field": "properties.name",
                        "type": "nominal",
                        "title": name_title or _("Comune"),
                    },
                    {"field": "value", "type": "quantitative", "title": legend_title},
                ],
            },
        },
    ]
    if outline:
        spec["layer"].append(
            {
                "data": source,
                "transform": [
                    {"filter": {"field": "properties.code", "oneOf": sorted(outline)}},
                    {"calculate": f"{json.dumps(outline)}[datum.properties.code]", "as": "edge"},
                ],
                "mark": {"type": "geoshape", "filled": False, "strokeWidth": 2.5, "aria": False},
                "encoding": {"stroke": {"field": "edge", "type": "nominal", "scale": None}},
            }
        )
    return spec


def points_map(
    *, topology_url: str, points: list[dict[str, Any]], description: str, height: int = 420
) -> dict[str, Any]:
    """Places (points: latitude, longitude, label, kind) over the comuni in grey."""
    spec = base_spec(description, height)
    spec["projection"] = {"type": "mercator"}
    spec["layer"] = [
        {
            "data": {"url": topology_url, "format": {"type": "topojson", "feature": "comuni"}},
            "mark": {
                "type": "geoshape",
                "fill": "#e8e9ea",
                "stroke": "#ffffff",
                "strokeWidth": 0.4,
                "aria": False,
            },
        },
        {
            "data": {"values": points},
            "mark": {"type": "circle", "size": 120, "opacity": 0.9, "stroke": "#ffffff"},
            "encoding": {
                "longitude": {"field": "longitude", "type": "quantitative"},
                "latitude": {"field": "latitude", "type": "quantitative"},
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "title": _("Type"),
                    "scale": {"range": ZONE_COLOURS},
                    "legend": {"orient": "bottom", "columns": 3},
                },
                "tooltip": [
                    {"field": "label", "type": "nominal", "title": _("Meeting")},
                    {"field": "when", "type": "nominal", "title": _("When")},
                    {"field": "place", "type": "nominal", "title": _("Place")},
                ],
            },
        },
    ]
    return spec
