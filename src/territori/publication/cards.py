"""Share cards: an indicator's or a Mission's latest state as one SVG (and PNG) image.

Two sizes: 1080×1080 (square, social channels) and 1200×630 (link previews, websites).
A card holds the Agenda's identity, the title, the latest value, the assessment in words,
a small chart rendered by vl-convert from the site's own spec, and the source and licence.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from html import escape
from typing import Any

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.indicators import selectors as ind
from territori.indicators.models import Indicator
from territori.presentation import charts
from territori.territories.selectors import home_territory_code, site_owner

from .render import PRINT_FONT, spec_svg, static_spec, svg_png

SIZES = {"quadrata": (1080, 1080), "orizzontale": (1200, 630)}
BLUE, DARK, GREY = "#0066cc", "#17324d", "#5d6f80"
STATUS_COLOURS = {
    "success": "#008055",
    "info": "#0066cc",
    "warning": "#a66300",
    "danger": "#d9364f",
    "secondary": "#5d6f80",
    "light": "#5d6f80",
}


@dataclass
class CardContent:
    kicker: str  # "Indicatore" / "Missione 1.2"
    title: str
    value: str  # "12,3 %"
    value_note: str  # "Città metropolitana di Torino, 2023"
    owner: str  # who runs the site: "Città metropolitana di Torino"
    status: str  # assessment in words
    status_css: str
    sentence: str
    chart: dict[str, Any] | None
    source: str
    licence: str
    url: str
    illustrative: bool = False  # built from demo data: the card says so, whole, near the top


def _lines(text: str, width: int, limit: int) -> list[str]:
    lines = textwrap.wrap(text, width=width) or [""]
    if len(lines) > limit:
        lines = [
            *lines[: limit - 1],
            textwrap.shorten(" ".join(lines[limit - 1 :]), width, placeholder=" …"),
        ]
    return lines


def _text(
    x: int,
    y: int,
    lines: list[str],
    size: int,
    colour: str,
    weight: str = "normal",
    gap: float = 1.25,
) -> str:
    """Lines of text whose first baseline is at `y`."""
    spans = "".join(
        f'<tspan x="{x}" y="{y + round(i * size * gap)}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text font-family="{PRINT_FONT}" font-size="{size}" font-weight="{weight}" fill="{colour}">{spans}</text>'


def _block(name: str, *parts: str) -> str:
    """A named block of the card: the layout test finds it and measures it."""
    return f'<g data-box="{name}">{"".join(parts)}</g>'


_SIZE_ATTRS = re.compile(r"<svg\b[^>]*?>")


def _nested(svg: str, x: int, y: int, width: int, height: int) -> str:
    """Place a rendered chart inside the card, scaled into a box."""
    match = _SIZE_ATTRS.search(svg)
    if not match:
        return ""
    head = match.group(0)
    view = re.search(r'viewBox="([^"]+)"', head)
    view_box = view.group(1) if view else f"0 0 {width} {height}"
    return (
        f'<svg x="{x}" y="{y}" width="{width}" height="{height}" viewBox="{view_box}" '
        f'preserveAspectRatio="xMidYMid meet">{svg[match.end() :].rsplit("</svg>", 1)[0]}</svg>'
    )


#: The smallest chart worth drawing on a card, in pixels of height.
MIN_CHART = 180
#: Yellow of the demo label (black text on it: AA contrast).
DEMO_YELLOW = "#ffd54f"


def card_svg(content: CardContent, size: str) -> str:
    """The card as SVG, laid out top to bottom in named blocks that never overlap: header,
    demo label (illustrative data), kicker and title across the width, then the value, its
    note, the assessment and its sentence (left column on the horizontal card) and the chart
    (right column, or below on the square card), and the footer with licence, source, owner
    and the page's public address."""
    width, height = SIZES[size]
    square = size == "quadrata"
    pad = 64 if square else 56
    inner = width - 2 * pad
    band = 96 if square else 80
    parts = [
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        _block(
            "header",
            f'<rect width="{width}" height="{band}" fill="{BLUE}"/>',
            _text(
                pad,
                58 if square else 50,
                [_("Metropolitan Agenda for Sustainable Development")],
                30 if square else 26,
                "#ffffff",
                "bold",
            ),
        ),
    ]
    y = band
    if content.illustrative:
        ribbon = 40
        parts.append(
            _block(
                "demo",
                f'<rect y="{y}" width="{width}" height="{ribbon}" fill="{DEMO_YELLOW}"/>',
                _text(
                    pad,
                    y + 28,
                    [_("DEMO DATA (dato dimostrativo): invented values, do not use them")],
                    22,
                    "#000000",
                    "bold",
                ),
            )
        )
        y += ribbon
    y += 28
    parts.append(_block("kicker", _text(pad, y + 22, [content.kicker.upper()], 24, GREY, "bold")))
    y += 22 + 24
    title_size = 52 if square else 38
    title = _lines(content.title, int(inner / (title_size * 0.58)), 3 if square else 2)
    step = int(title_size * 1.15)
    parts.append(_block("title", _text(pad, y + title_size, title, title_size, DARK, "bold", 1.15)))
    y += title_size + (len(title) - 1) * step + 28
    title_bottom = y  # the horizontal card's chart starts here, beside the value
    # footer: a rule, licence and source (up to two lines), who runs the site and the address
    source = _("Licence: %(licence)s · Source: %(source)s") % {
        "source": content.source,
        "licence": content.licence,
    }
    source_lines = _lines(source, int(inner / (20 * 0.55)), 2)
    footer_top = height - 28 - 26 * (len(source_lines) + 1) - 16
    parts.append(
        _block(
            "footer",
            f'<line x1="{pad}" x2="{width - pad}" y1="{footer_top}" y2="{footer_top}" stroke="#d1d9e0" stroke-width="2"/>',
            _text(pad, footer_top + 38, source_lines, 20, GREY, gap=1.3),
            _text(
                pad,
                footer_top + 38 + 26 * len(source_lines),
                [f"{content.owner} · {content.url}"],
                20,
                GREY,
            ),
        )
    )
    bottom = footer_top - 20  # the blocks above the footer end here
    column = inner if square else int(inner * 0.46)
    # the value, as large as fits its column (about 0.62 em per character, DejaVu Sans Bold)
    value_size = min(112 if square else 72, int(column / (0.62 * max(len(content.value), 1))))
    value_size = max(value_size, 40)
    parts.append(
        _block(
            "value",
            _text(pad, y + int(value_size * 0.8), [content.value], value_size, BLUE, "bold"),
            _text(pad, y + value_size + 18, [content.value_note], 26, GREY),
        )
    )
    y += value_size + 18 + 30
    colour = STATUS_COLOURS.get(content.status_css, GREY)
    status_size = 32 if square else 26
    status_step = int(status_size * 1.3)
    status_lines = _lines(content.status, int((column - 26) / (status_size * 0.6)), 2)
    parts.append(
        _block(
            "status",
            f'<rect x="{pad}" y="{y}" width="10" height="{len(status_lines) * status_step}" fill="{colour}"/>',
            _text(pad + 26, y + status_size, status_lines, status_size, colour, "bold", 1.3),
        )
    )
    y += len(status_lines) * status_step + 20
    chart_room = bottom - y if square else 0
    if content.sentence:
        room = (bottom - y) // 30
        if square and content.chart:  # leave the chart its room
            room = (bottom - y - MIN_CHART - 20) // 30
        lines = _lines(content.sentence, int(column / (24 * 0.56)), min(3, room))
        if room > 0:
            parts.append(_block("sentence", _text(pad, y + 24, lines, 24, DARK, gap=1.25)))
            y += 24 + (len(lines) - 1) * 30 + 24
            chart_room = bottom - y
    if content.chart:
        left = pad + column + 40
        box = (
            (pad, y, inner, chart_room)
            if square
            else (left, title_bottom, width - pad - left, bottom - title_bottom)
        )
        if box[3] >= MIN_CHART:
            svg = spec_svg(static_spec(content.chart, width=box[2], height=box[3]))
            parts.append(_block("chart", _nested(svg, *box)))
    label = f"{content.kicker}: {content.title}. {content.value} ({content.value_note}). {content.status}."
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>{''.join(parts)}</svg>"
    )


def card_png(svg: str) -> bytes:
    return svg_png(svg)


def _format(value: float, decimals: int, unit: str) -> str:
    text = number_format(
        round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
    return f"{text} {unit}".strip()


def _licence_missing(illustrative: bool) -> str:
    """What the card says when no licence is recorded: none applies to invented values."""
    return _("not applicable (demo data)") if illustrative else _("not recorded")


def _absolute(path: str) -> str:
    return settings.TERRITORI_BASE_URL.rstrip("/").split("://", 1)[-1] + path


def indicator_card(indicator: Indicator) -> CardContent:
    from territori.presentation.assessments import assessment_sentence

    item = ind.indicators_with_badges(indicators=[indicator])[0]
    illustrative = indicator.status == DataStatus.ILLUSTRATIVE
    css, words = ind.status_label(item.long.status if item.long else "not_assessable")
    owner = site_owner().name
    home = str(settings.TERRITORI_HOME_TERRITORY)  # the home territory's series and colour
    rows = [{"territory": owner, "code": home, "year": y, "value": v} for y, v in item.values]
    if item.values:
        year, value = item.values[-1]
        shown, note = (
            _format(value, indicator.decimals, indicator.unit),
            f"{owner}, {year}",
        )
    else:
        shown, note = "–", _("no value yet")
    return CardContent(
        kicker=_("Indicator"),
        title=indicator.name,
        value=shown,
        value_note=note,
        status=_("Long term: %(status)s") % {"status": words},
        status_css=css,
        sentence=assessment_sentence(item.long, indicator),
        chart=charts.series_chart(
            rows=rows, description=indicator.name, unit=indicator.unit, height=200
        )
        if len(rows) > 1
        else None,
        source=indicator.source or _("not recorded"),
        licence=indicator.licence or _licence_missing(illustrative),
        url=_absolute(indicator.get_absolute_url()),
        owner=owner,
        illustrative=illustrative,
    )


def mission_card(node: Node) -> CardContent:
    items = ind.node_indicators(node=node)
    statuses = [ind.status_label(i.long.status if i.long else "not_assessable") for i in items]
    good = sum(1 for css, _w in statuses if css in ("success", "info"))
    bad = sum(1 for css, _w in statuses if css in ("warning", "danger"))
    composite = ind.node_composite(node=node).get(home_territory_code(), [])
    counts: dict[str, int] = {}
    for _css, words in statuses:
        counts[words] = counts.get(words, 0) + 1
    chart = (
        charts.bar_chart_counts(
            rows=[{"label": words, "count": count} for words, count in counts.items()],
            description=_("Indicators of the Mission by long-term assessment"),
            x_title=_("Indicators"),
        )
        if counts
        else None
    )
    sources = sorted({i.indicator.licence for i in items if i.indicator.licence})
    illustrative = any(i.indicator.status == DataStatus.ILLUSTRATIVE for i in items)
    return CardContent(
        kicker=_("Mission %(code)s") % {"code": node.code},
        title=node.title,
        value=_format(composite[-1][1], 1, "") if composite else str(len(items)),
        value_note=(_("composite index (AMPI), %(year)s") % {"year": composite[-1][0]})
        if composite
        else _("indicators"),
        status=_("%(good)s of %(total)s indicators progressing, %(bad)s not")
        % {"good": good, "total": len(items), "bad": bad},
        status_css="success" if good >= bad else "warning",
        sentence="",
        chart=chart,
        source=_("indicators of the Agenda's monitoring system"),
        licence=", ".join(sources) or _licence_missing(illustrative),
        url=_absolute(node.get_absolute_url()),
        owner=site_owner().name,
        illustrative=illustrative,
    )
