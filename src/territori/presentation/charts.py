"""Vega-Lite specifications built in Python: one spec serves the page, the report and the cards.

Pure presentation: specs are dicts, the chart block is what `_chart.html` draws. No views, no
queries.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
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


def natural_order(label: str) -> tuple[int, str]:
    """Sort "2 Ovest" before "10 Chivassese"."""
    head = label.split(" ", 1)[0]
    return (int(head), label) if head.isdigit() else (10**6, label)


def base_spec(description: str, height: int) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "height": height,
        "autosize": {"type": "fit", "contains": "padding"},
        "config": {"view": {"stroke": None}, "font": "Titillium Web, Geneva, Tahoma, sans-serif"},
    }


SERIES_COLOURS = ["#0066cc", "#d55e00", "#009e73", "#cc79a7"]
#: The colours of the reference territories, the same on every chart, page, PDF and card:
#: the site's metropolitan city, its region (any region) and Italy.
HOME_SERIES_COLOUR, REGION_COLOUR, ITALY_COLOUR = SERIES_COLOURS[:3]
#: Other territories (a comune, a zona, another city): a colour of their own, chosen from the
#: code, so that Genova is the same colour on every chart that shows it.
OTHER_COLOURS = ["#cc79a7", "#8c564b", "#7a5195", "#e69f00", "#56b4e9", "#6b6b6b", "#b35806"]


def territory_colours(codes: list[str]) -> list[str]:
    """One colour per territory code, stable across charts: the home territory blue, a region
    (two-digit ISTAT code) orange, Italy green, any other a colour chosen from its code (the
    next free one when two in the same chart would share it)."""
    home = str(settings.TERRITORI_HOME_TERRITORY)
    fixed = {home: HOME_SERIES_COLOUR, "IT": ITALY_COLOUR}
    taken: set[str] = set()
    colours: list[str] = []
    for code in codes:
        colour = fixed.get(code)
        if colour is None and len(code) == 2 and code.isdigit() and REGION_COLOUR not in taken:
            colour = REGION_COLOUR
        if colour is None:
            start = int(hashlib.sha256(code.encode()).hexdigest(), 16) % len(OTHER_COLOURS)
            free = [
                OTHER_COLOURS[(start + i) % len(OTHER_COLOURS)] for i in range(len(OTHER_COLOURS))
            ]
            colour = next((c for c in free if c not in taken), free[0])
        taken.add(colour)
        colours.append(colour)
    return colours


def series_colours(count: int) -> list[str]:
    """`count` distinct colours: the series palette first, then the zone palette."""
    palette = SERIES_COLOURS + [c for c in ZONE_COLOURS if c not in SERIES_COLOURS]
    return palette[:count]


def series_chart(
    *,
    rows: list[dict[str, Any]],
    description: str,
    unit: str,
    targets: list[dict[str, Any]] | None = None,
    band: list[dict[str, Any]] | None = None,
    height: int = 320,
) -> dict[str, Any]:
    """Lines by territory (rows: territory, year, value, and the territory's code, which
    gives it its colour on every chart: `territory_colours`), target points and a projection
    band (band: territory, year, value, lower, upper) drawn dashed with its interval shaded."""
    spec = base_spec(description, height)
    codes = {row["territory"]: row.get("code") for row in rows}
    names = list(codes)
    if all(codes.values()):
        palette = territory_colours([str(codes[name]) for name in names])
    else:
        palette = series_colours(len(names))
    colour = {
        "field": "territory",
        "type": "nominal",
        "title": _("Territory"),
        "scale": {"domain": names, "range": palette},
        "legend": {"orient": "bottom", "symbolType": "stroke", "symbolStrokeWidth": 3},
    }
    x = {"field": "year", "type": "quantitative", "title": _("Year"), "axis": {"format": "d"}}
    y_title = f"{_('Value')} ({unit})" if unit else _("Value")
    # the axis spans the values (and targets), not zero to them: a composite moving between
    # 98 and 111 is not drawn flat on 0-120
    y_scale = {"zero": False, "nice": True}
    layers: list[dict[str, Any]] = []
    if band:
        layers.append(
            {
                "data": {"values": band},
                "mark": {"type": "area", "opacity": 0.15},
                "encoding": {
                    "x": x,
                    "y": {
                        "field": "lower",
                        "type": "quantitative",
                        "title": y_title,
                        "scale": y_scale,
                    },
                    "y2": {"field": "upper"},
                    "color": colour,
                },
            }
        )
        layers.append(
            {
                "data": {"values": band},
                "mark": {"type": "line", "strokeDash": [4, 3]},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "color": colour,
                },
            }
        )
    layers.append(
        {
            "data": {"values": rows},
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": x,
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": y_title,
                    "scale": y_scale,
                },
                "color": colour,
                "tooltip": [
                    {"field": "territory", "type": "nominal", "title": _("Territory")},
                    {"field": "year", "type": "quantitative", "title": _("Year"), "format": "d"},
                    {"field": "value", "type": "quantitative", "title": _("Value")},
                ],
            },
        }
    )
    if targets:
        layers.append(
            {
                "data": {"values": targets},
                "mark": {
                    "type": "point",
                    "shape": "diamond",
                    "size": 120,
                    "filled": True,
                    "color": "#5d5d5d",
                },
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [
                        {"field": "label", "type": "nominal", "title": _("Target")},
                        {"field": "value", "type": "quantitative", "title": _("Value")},
                    ],
                },
            }
        )
        layers.append(  # each target labelled beside its diamond
            {
                "data": {"values": targets},
                "mark": {"type": "text", "dy": -14, "fontSize": 11, "color": "#3d3d3d"},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"field": "label", "type": "nominal"},
                },
            }
        )
    spec["layer"] = layers
    return spec


PEER_COLOUR = "#a6a6a6"


def _coloured(rows: list[dict[str, Any]], colours: dict[str, str]) -> list[dict[str, Any]]:
    """Rows with the colour of their territory (`colours` by territory label), grey if none."""
    return [{**row, "colour": colours.get(str(row["territory"]), PEER_COLOUR)} for row in rows]


#: the colour is the row's own (a territory's colour from `territory_colours`), no scale
_OWN_COLOUR = {"field": "colour", "type": "nominal", "scale": None, "legend": None}


def ranked_bars(
    *,
    rows: list[dict[str, Any]],
    description: str,
    unit: str,
    colours: dict[str, str],
    height: int = 360,
) -> dict[str, Any]:
    """Horizontal bars of territories in rank order (rows: territory, value, rank), the
    territories in `colours` (the home territory and those chosen, by label) in their own
    colour, the others grey."""
    spec = base_spec(description, height)
    spec["data"] = {"values": _coloured(rows, colours)}
    spec["mark"] = {"type": "bar"}
    value_title = f"{_('Value')} ({unit})" if unit else _("Value")
    spec["encoding"] = {
        "y": {
            "field": "territory",
            "type": "nominal",
            "sort": {"field": "rank", "order": "ascending"},
            "title": None,
        },
        "x": {"field": "value", "type": "quantitative", "title": value_title},
        "color": _OWN_COLOUR,
        "tooltip": [
            {"field": "rank", "type": "quantitative", "title": _("Rank")},
            {"field": "territory", "type": "nominal", "title": _("Territory")},
            {"field": "value", "type": "quantitative", "title": _("Value")},
        ],
    }
    return spec


def bump_chart(
    *, rows: list[dict[str, Any]], description: str, colours: dict[str, str], height: int = 380
) -> dict[str, Any]:
    """Rank over time (rows: territory, year, rank; 1 at the top), one line per territory;
    the territories in `colours` (the home territory and those chosen) drawn thick in their
    own colour and labelled, the others thin and grey."""
    spec = base_spec(description, height)
    spec["data"] = {"values": _coloured(rows, colours)}
    x = {"field": "year", "type": "quantitative", "title": _("Year"), "axis": {"format": "d"}}
    y = {
        "field": "rank",
        "type": "quantitative",
        "title": _("Rank (1 = best)"),
        "scale": {"reverse": True, "zero": False, "nice": False},
        "axis": {"tickMinStep": 1, "format": "d"},
    }
    shown = f"datum.colour !== {json.dumps(PEER_COLOUR)}"
    spec["layer"] = [
        {
            "mark": {"type": "line", "point": True, "interpolate": "monotone"},
            "encoding": {
                "x": x,
                "y": y,
                "detail": {"field": "territory", "type": "nominal"},
                "color": _OWN_COLOUR,
                "strokeWidth": {"condition": {"test": shown, "value": 3}, "value": 1.2},
                "opacity": {"condition": {"test": shown, "value": 1}, "value": 0.6},
                # the highlighted lines drawn over the grey ones
                "order": {"condition": {"test": shown, "value": 1}, "value": 0},
                "tooltip": [
                    {"field": "territory", "type": "nominal", "title": _("Territory")},
                    {"field": "year", "type": "quantitative", "title": _("Year"), "format": "d"},
                    {"field": "rank", "type": "quantitative", "title": _("Rank")},
                ],
            },
        },
        {
            "transform": [
                {"filter": shown},
                {"joinaggregate": [{"op": "max", "field": "year", "as": "last"}]},
                {"filter": "datum.year === datum.last"},
            ],
            "mark": {"type": "text", "align": "left", "dx": 6, "fontWeight": "bold"},
            "encoding": {"x": x, "y": y, "text": {"field": "territory"}, "color": _OWN_COLOUR},
        },
    ]
    return spec


def sparkline_points(values: list[float], width: int = 100, height: int = 24) -> str:
    """SVG polyline points of a small series (drawn server-side, decorative)."""
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
        for i, v in enumerate(values)
    )


def coverage_chart(
    *, bars: list[dict[str, Any]], columns: list[str], description: str
) -> dict[str, Any]:
    """Per column (Mission) the sum of positive contributions above zero and of conflicts
    below (bars: column, title, kind, value)."""
    spec = base_spec(description, 300)
    spec["data"] = {"values": bars}
    spec["mark"] = {"type": "bar"}
    spec["encoding"] = {
        "x": {
            "field": "column",
            "type": "ordinal",
            "sort": columns,
            "title": _("Column"),
            "axis": {"labelAngle": -45},
        },
        "y": {"field": "value", "type": "quantitative", "title": _("Sum of scores")},
        "color": {
            "field": "kind",
            "type": "nominal",
            "title": "",
            "scale": {
                "domain": [_("contributions"), _("conflicts")],
                "range": ["#2166ac", "#b2182b"],
            },
            "legend": {"orient": "bottom"},
        },
        "tooltip": [
            {"field": "title", "type": "nominal", "title": _("Column")},
            {"field": "kind", "type": "nominal", "title": ""},
            {"field": "value", "type": "quantitative", "title": _("Sum of scores")},
        ],
    }
    return spec


def gantt_chart(
    *, bars: list[dict[str, Any]], order: list[str], today: str, description: str
) -> dict[str, Any]:
    """One bar per action from its first month to the end of its last (bars: action, title,
    start, end, months), and a rule at today's date."""
    spec = base_spec(description, max(160, 24 * len(bars)))
    y = {"field": "action", "type": "ordinal", "sort": order, "title": _("Action")}
    spec["layer"] = [
        {
            "data": {"values": bars},
            "mark": {"type": "bar", "color": "#0066cc", "cornerRadius": 2},
            "encoding": {
                "x": {
                    "field": "start",
                    "type": "temporal",
                    "title": _("Month"),
                    "axis": {"format": "%m/%Y", "tickCount": "month", "labelAngle": -45},
                },
                "x2": {"field": "end"},
                "y": y,
                "tooltip": [
                    {"field": "title", "type": "nominal", "title": _("Action")},
                    {"field": "months", "type": "nominal", "title": _("Months")},
                ],
            },
        },
        {
            "data": {"values": [{"today": today}]},
            "mark": {"type": "rule", "color": "#b2182b", "strokeWidth": 2, "strokeDash": [6, 3]},
            "encoding": {"x": {"field": "today", "type": "temporal"}},
        },
        {
            "data": {"values": [{"today": today, "label": _("today")}]},
            "mark": {
                "type": "text",
                "color": "#b2182b",
                "align": "left",
                "dx": 4,
                "dy": -4,
                "baseline": "bottom",
            },
            "encoding": {
                "x": {"field": "today", "type": "temporal"},
                "y": {"value": 0},
                "text": {"field": "label"},
            },
        },
    ]
    return spec


def spending_chart(
    *, rows: list[dict[str, Any]], order: list[str], description: str
) -> dict[str, Any]:
    """Budget and spending side by side for each action (rows: action, kind, value)."""
    spec = base_spec(description, 300)
    spec["data"] = {"values": rows}
    spec["mark"] = {"type": "bar"}
    spec["encoding"] = {
        "x": {
            "field": "action",
            "type": "ordinal",
            "sort": order,
            "title": _("Action"),
            "axis": {"labelAngle": -45},
        },
        "xOffset": {"field": "kind"},
        "y": {"field": "value", "type": "quantitative", "title": _("Euro")},
        "color": {
            "field": "kind",
            "type": "nominal",
            "title": "",
            "scale": {"range": ["#0066cc", "#e69f00"]},
            "legend": {"orient": "bottom"},
        },
        "tooltip": [
            {"field": "action", "type": "nominal", "title": _("Action")},
            {"field": "kind", "type": "nominal", "title": ""},
            {"field": "value", "type": "quantitative", "title": _("Euro"), "format": ",.0f"},
        ],
    }
    return spec


def organisation_network(
    *, nodes: list[dict[str, Any]], ties: list[dict[str, Any]], description: str
) -> dict[str, Any]:
    """Organisations placed by a force layout (nodes: code, name, x, y, community, degree) and
    linked by shared memberships (ties: x, y, x2, y2, weight)."""
    spec = base_spec(description, 480)
    hidden = {"axis": None, "scale": {"zero": False}}
    spec["layer"] = [
        {
            "data": {"values": ties},
            "mark": {"type": "rule", "color": "#9a9a9a"},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", **hidden},
                "y": {"field": "y", "type": "quantitative", **hidden},
                "x2": {"field": "x2"},
                "y2": {"field": "y2"},
                "strokeWidth": {
                    "field": "weight",
                    "type": "quantitative",
                    "legend": None,
                    "scale": {"range": [0.5, 3]},
                },
                "opacity": {"value": 0.5},
            },
        },
        {
            "data": {"values": nodes},
            "mark": {"type": "point", "filled": True, "stroke": "#1a1a1a", "strokeWidth": 0.5},
            "encoding": {
                "x": {"field": "x", "type": "quantitative", **hidden},
                "y": {"field": "y", "type": "quantitative", **hidden},
                "size": {
                    "field": "degree",
                    "type": "quantitative",
                    "title": _("Ties"),
                    "scale": {"range": [30, 400]},
                },
                "color": {
                    "field": "community",
                    "type": "nominal",
                    "title": _("Community"),
                    "scale": {"range": ZONE_COLOURS},
                    "legend": {"orient": "bottom"},
                },
                "shape": {"field": "community", "type": "nominal", "legend": None},
                "tooltip": [
                    {"field": "name", "type": "nominal", "title": _("Organisation")},
                    {"field": "kind", "type": "nominal", "title": _("Type")},
                    {"field": "degree", "type": "quantitative", "title": _("Ties")},
                ],
            },
        },
    ]
    return spec


def bar_chart_counts(
    *, rows: list[dict[str, Any]], description: str, x_title: str, height: int | None = None
) -> dict[str, Any]:
    """Horizontal bars of counts (rows: label, count), in the given order."""
    spec = base_spec(description, height or max(80, 28 * len(rows)))
    spec["data"] = {"values": rows}
    spec["mark"] = {"type": "bar", "color": "#0066cc"}
    spec["encoding"] = {
        "y": {"field": "label", "type": "nominal", "sort": None, "title": None},
        "x": {
            "field": "count",
            "type": "quantitative",
            "title": x_title,
            "axis": {"tickMinStep": 1},
        },
        "tooltip": [
            {"field": "label", "type": "nominal", "title": _("Answer")},
            {"field": "count", "type": "quantitative", "title": x_title},
        ],
    }
    return spec


def priority_feasibility_chart(
    *,
    rows: list[dict[str, Any]],
    description: str,
    x_title: str,
    y_title: str,
    x_rule: float | None,
    y_rule: float,
    y_domain: tuple[float, float],
    height: int = 360,
) -> dict[str, Any]:
    """Options placed by priority (x: share of the points) and feasibility (y: mean rating),
    each labelled with its rank, with the lines that divide them into four groups (rows:
    rank, label, share, feasibility, group)."""
    spec = base_spec(description, height)
    spec["data"] = {"values": [r for r in rows if r.get("feasibility") is not None]}
    tooltip = [
        {"field": "rank", "type": "quantitative", "title": _("Rank")},
        {"field": "label", "type": "nominal", "title": _("Option")},
        {"field": "share", "type": "quantitative", "title": x_title, "format": ".1f"},
        {"field": "feasibility", "type": "quantitative", "title": y_title, "format": ".2f"},
        {"field": "group", "type": "nominal", "title": _("Group")},
    ]
    x = {"field": "share", "type": "quantitative", "title": x_title}
    y = {
        "field": "feasibility",
        "type": "quantitative",
        "title": y_title,
        "scale": {"domain": list(y_domain)},
    }
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "point", "filled": True, "size": 120, "color": "#0066cc"},
            "encoding": {"x": x, "y": y, "tooltip": tooltip},
        },
        {
            "mark": {"type": "text", "dx": 10, "align": "left", "color": "#1a1a1a"},
            "encoding": {"x": x, "y": y, "text": {"field": "rank", "type": "nominal"}},
        },
        {
            "data": {"values": [{"y": y_rule}]},
            "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#5d5d5d"},
            "encoding": {"y": {"field": "y", "type": "quantitative"}},
        },
    ]
    if x_rule is not None:
        layers.append(
            {
                "data": {"values": [{"x": x_rule}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#5d5d5d"},
                "encoding": {"x": {"field": "x", "type": "quantitative"}},
            }
        )
    spec["layer"] = layers
    return spec


def scenario_chart(
    *, rows: list[dict[str, Any]], description: str, unit: str, milestones: tuple[int, ...]
) -> dict[str, Any]:
    """An indicator's observed values (solid) and its path under each scenario (dashed) to
    the horizon, with the milestone years marked (rows: year, value, series, observed)."""
    spec = base_spec(description, 260)
    names = list(dict.fromkeys(r["series"] for r in rows))
    value_title = f"{_('Value')} ({unit})" if unit else _("Value")
    spec["layer"] = [
        {
            "data": {"values": [{"year": year} for year in milestones]},
            "mark": {"type": "rule", "color": "#9a9a9a", "strokeDash": [2, 2]},
            "encoding": {"x": {"field": "year", "type": "quantitative"}},
        },
        {
            "data": {"values": rows},
            "mark": {"type": "line", "point": False},
            "encoding": {
                "x": {
                    "field": "year",
                    "type": "quantitative",
                    "title": _("Year"),
                    "axis": {"format": "d"},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": value_title,
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": names, "range": series_colours(len(names))},
                    "legend": {"orient": "bottom"},
                },
                "strokeDash": {
                    "field": "observed",
                    "type": "nominal",
                    "legend": None,
                    "scale": {"domain": [True, False], "range": [[1, 0], [6, 3]]},
                },
                "tooltip": [
                    {"field": "series", "type": "nominal", "title": _("Series")},
                    {"field": "year", "type": "quantitative", "title": _("Year")},
                    {
                        "field": "value",
                        "type": "quantitative",
                        "title": _("Value"),
                        "format": ".2f",
                    },
                ],
            },
        },
    ]
    return spec


def chart_block(
    spec: dict[str, Any], *, chart_id: str, csv_url: str, title: str, wide: bool = False
) -> dict[str, Any]:
    """What `_chart.html` draws: the spec, its caption and the link to its data (the chart's
    table and download). A `wide` chart keeps its own size (square cells, readable labels)
    and scrolls sideways, by mouse or keyboard, where the screen is narrower."""
    return {
        "id": chart_id,
        "spec_id": f"{chart_id}-spec",
        "spec": spec,
        "csv_url": csv_url,
        "title": title,
        "wide": wide,
    }
