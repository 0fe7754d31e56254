"""Vega-Lite specifications of the coherence analysis: the matrix as a heat map, influence
against dependence, and the signed network of Missions and strategies. Pure presentation, as
`charts`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .charts import ZONE_COLOURS, base_spec

#: Diverging colours of the seven-point scale, red (cancelling) to blue (indivisible): the
#: same as the table's cells (territori.css, .territori-score-*).
SCORE_COLOURS = ["#b2182b", "#d6604d", "#fddbc7", "#f7f7f7", "#d1e5f0", "#4f8fc0", "#2166ac"]
#: The side of a cell of the heat map, in pixels: square, with room for "−1.5".
CELL = 30


def coherence_heatmap(
    *, cells: list[dict[str, Any]], rows: list[str], columns: list[str], description: str
) -> dict[str, Any]:
    """The matrix as coloured square cells with the score written in each (cells: row,
    column, score, row_title, column_title); empty cells are not scored. The chart keeps its
    size at every screen width (drawn as a wide chart: it scrolls sideways on a phone)."""
    spec = base_spec(description, 0)
    spec["width"] = {"step": CELL}
    spec["height"] = {"step": CELL}
    spec["autosize"] = {"type": "pad"}
    x = {
        "field": "column",
        "type": "ordinal",
        "sort": columns,
        "title": _("Column"),
        "axis": {"labelAngle": -45},
    }
    y = {"field": "row", "type": "ordinal", "sort": rows, "title": _("Row")}
    spec["data"] = {"values": cells}
    spec["layer"] = [
        {
            "mark": {"type": "rect", "stroke": "#ffffff"},
            "encoding": {
                "x": x,
                "y": y,
                "color": {
                    "field": "score",
                    "type": "quantitative",
                    "title": _("Score"),
                    "scale": {"domain": [-3, 3], "range": SCORE_COLOURS, "type": "quantize"},
                    "legend": {"orient": "bottom", "values": [-3, -2, -1, 0, 1, 2, 3]},
                },
                "tooltip": [
                    {"field": "row_title", "type": "nominal", "title": _("Row")},
                    {"field": "column_title", "type": "nominal", "title": _("Column")},
                    {"field": "score", "type": "quantitative", "title": _("Score")},
                ],
            },
        },
        {
            "mark": {"type": "text", "fontSize": 11},
            "encoding": {
                "x": x,
                "y": y,
                "text": {"field": "label", "type": "nominal"},
                "color": {  # white only on the two darkest colours (AA contrast)
                    "condition": {"test": "abs(datum.score) > 2.5", "value": "#ffffff"},
                    "value": "#000000",
                },
            },
        },
    ]
    return spec


def influence_scatter(*, points: list[dict[str, Any]], description: str) -> dict[str, Any]:
    """MICMAC motricity (y) against dependence (x), with the means as quadrant lines
    (points: node, title, motricity, dependence, quadrant)."""
    spec = base_spec(description, 360)
    n = len(points) or 1
    mean_m = sum(p["motricity"] for p in points) / n
    mean_d = sum(p["dependence"] for p in points) / n
    x = {"field": "dependence", "type": "quantitative", "title": _("Dependence (influenced)")}
    y = {"field": "motricity", "type": "quantitative", "title": _("Motricity (influence)")}
    spec["layer"] = [
        {
            "data": {"values": [{"m": mean_m}]},
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#5d5d5d"},
            "encoding": {"y": {"field": "m", "type": "quantitative"}},
        },
        {
            "data": {"values": [{"d": mean_d}]},
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#5d5d5d"},
            "encoding": {"x": {"field": "d", "type": "quantitative"}},
        },
        {
            "data": {"values": points},
            "mark": {"type": "point", "filled": True, "size": 90},
            "encoding": {
                "x": x,
                "y": y,
                "shape": {
                    "field": "quadrant_label",
                    "type": "nominal",
                    "title": _("Quadrant"),
                    "legend": {"orient": "bottom"},
                },
                "color": {
                    "field": "quadrant_label",
                    "type": "nominal",
                    "title": _("Quadrant"),
                    "scale": {"range": ZONE_COLOURS[:4]},
                },
                "tooltip": [
                    {"field": "title", "type": "nominal", "title": _("Node")},
                    {
                        "field": "motricity",
                        "type": "quantitative",
                        "title": _("Motricity"),
                        "format": ".2f",
                    },
                    {
                        "field": "dependence",
                        "type": "quantitative",
                        "title": _("Dependence"),
                        "format": ".2f",
                    },
                ],
            },
        },
        {
            "data": {"values": points},
            "mark": {"type": "text", "dx": 8, "align": "left", "fontSize": 11},
            "encoding": {"x": x, "y": y, "text": {"field": "node", "type": "nominal"}},
        },
    ]
    return spec


def signed_network(
    *, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], description: str
) -> dict[str, Any]:
    """Nodes on a circle (nodes: node, title, x, y); an edge per non-zero score (edges: x, y,
    x2, y2, score, sign, source, target): blue solid when positive, red dashed when negative,
    thicker when stronger."""
    spec = base_spec(description, 460)
    hidden = {"axis": None, "scale": {"domain": [-1.3, 1.3]}}
    spec["layer"] = [
        {
            "data": {"values": edges},
            "mark": {"type": "rule", "opacity": 0.7},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", **hidden},
                "y": {"field": "y", "type": "quantitative", **hidden},
                "x2": {"field": "x2"},
                "y2": {"field": "y2"},
                "color": {
                    "field": "sign",
                    "type": "nominal",
                    "title": _("Interaction"),
                    "scale": {
                        "domain": [_("positive"), _("negative")],
                        "range": ["#2166ac", "#b2182b"],
                    },
                    "legend": {"orient": "bottom"},
                },
                "strokeDash": {
                    "field": "sign",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": [_("positive"), _("negative")], "range": [[1, 0], [5, 3]]},
                },
                "strokeWidth": {
                    "field": "strength",
                    "type": "quantitative",
                    "title": _("Strength"),
                    "scale": {"domain": [1, 3], "range": [1, 5]},
                    "legend": None,
                },
                "tooltip": [
                    {"field": "source", "type": "nominal", "title": _("From")},
                    {"field": "target", "type": "nominal", "title": _("To")},
                    {"field": "score", "type": "quantitative", "title": _("Score")},
                ],
            },
        },
        {
            "data": {"values": nodes},
            "mark": {
                "type": "circle",
                "size": 260,
                "color": "#ffffff",
                "stroke": "#1a1a1a",
                "strokeWidth": 1.5,
            },
            "encoding": {
                "x": {"field": "x", "type": "quantitative", **hidden},
                "y": {"field": "y", "type": "quantitative", **hidden},
                "tooltip": [{"field": "title", "type": "nominal", "title": _("Node")}],
            },
        },
        {
            "data": {"values": nodes},
            "mark": {"type": "text", "fontSize": 10, "fontWeight": "bold"},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", **hidden},
                "y": {"field": "y", "type": "quantitative", **hidden},
                "text": {"field": "node", "type": "nominal"},
            },
        },
    ]
    return spec
