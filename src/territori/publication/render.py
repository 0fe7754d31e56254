"""Vega-Lite specs of the site rendered to static SVG and PNG (vl-convert), for print and cards.

The specs are the portal's own (`portal.charts`); only their size is fixed here, since a
page's "container" width means nothing on paper, and data given by URL is inlined.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

VEGA_LITE_VERSION = "6.4"
#: The generic family (DejaVu Sans on our machines): naming a font makes vl-convert look it up
#: on every render, which doubles the time of a chart.
PRINT_FONT = "sans-serif"


def static_spec(
    spec: dict[str, Any], *, width: int, height: int, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A copy of `spec` with a fixed size, print font and, where given, inline data.

    `data` maps a data URL used by the spec to the JSON it stands for (a TopoJSON...).
    """
    fixed = copy.deepcopy(spec)
    fixed["width"] = width
    fixed["height"] = height
    fixed["autosize"] = {"type": "fit", "contains": "padding"}
    config = fixed.setdefault("config", {})
    config["font"] = PRINT_FONT
    config.setdefault("background", "white")
    if data:
        _inline(fixed, data)
    return fixed


def _inline(node: Any, data: dict[str, Any]) -> None:
    if isinstance(node, dict):
        source = node.get("data")
        if isinstance(source, dict) and source.get("url") in data:
            node["data"] = {"values": data[source["url"]], "format": source.get("format", {})}
        for value in node.values():
            _inline(value, data)
    elif isinstance(node, list):
        for value in node:
            _inline(value, data)


def spec_svg(spec: dict[str, Any]) -> str:
    """The SVG of a (static) Vega-Lite spec."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec, vl_version=VEGA_LITE_VERSION))


_SVG_OPEN = re.compile(r"<svg\b")


def svg_png(svg: str, *, scale: float = 1.0) -> bytes:
    """A PNG of an SVG (resvg, through vl-convert)."""
    import vl_convert

    return bytes(vl_convert.svg_to_png(svg, scale=scale))


def spec_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    """A PNG of a (static) Vega-Lite spec: for maps, whose thousands of paths make SVG slow
    to lay out in print."""
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(spec, vl_version=VEGA_LITE_VERSION, scale=scale))


#: How a report body refers to its images: content-addressed, stored beside the report,
#: served by URL on the site (so the page stays light) and read from memory by WeasyPrint.
FIGURE_SCHEME = "territori-figure:"
FIGURE_REFERENCE = re.compile(re.escape(FIGURE_SCHEME) + r"([0-9a-f]{64})")


def figure_digest(png: bytes) -> str:
    import hashlib

    return hashlib.sha256(png).hexdigest()


def figure_img(digest: str, label: str, *, width: int, height: int) -> str:
    """A report image by reference, with its text alternative (its table sits beside it)."""
    return (
        f'<img class="territori-static-chart" src="{FIGURE_SCHEME}{digest}" '
        f'alt="{html.escape(label)}" width="{width}" height="{height}" loading="lazy">'
    )
