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
    spans = "".join(
        f'<tspan x="{x}" y="{y + round(i * size * gap)}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text font-family="{PRINT_FONT}" font-size="{size}" font-weight="{weight}" fill="{colour}">{spans}</text>'


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


def card_svg(content: CardContent, size: str) -> str:
    width, height = SIZES[size]
    square = size == "quadrata"
    pad = 64 if square else 56
    title_size = 52 if square else 40
    chars = int((width - 2 * pad) / (title_size * 0.58))
    title = _lines(content.title, chars, 3 if square else 2)
    parts = [
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<rect width="{width}" height="{96 if square else 80}" fill="{BLUE}"/>',
        _text(
            pad,
            58 if square else 50,
            [_("Metropolitan Agenda for Sustainable Development")],
            30 if square else 26,
            "#ffffff",
            "bold",
        ),
        _text(pad, (96 if square else 80) + 64, [content.kicker.upper()], 26, GREY, "bold"),
    ]
    y = (96 if square else 80) + 64 + int(title_size * 1.5)
    parts.append(_text(pad, y, title, title_size, DARK, "bold", 1.15))
    y += int(len(title) * title_size * 1.15) + 40
    left = width if square else int(width * 0.5)
    # As large as fits: about 0.62 em per character in DejaVu Sans Bold.
    value_size = min(
        120 if square else 72, int((left - 2 * pad) / (0.62 * max(len(content.value), 1)))
    )
    value_size = max(value_size, 40)
    parts.append(_text(pad, y + value_size - 20, [content.value], value_size, BLUE, "bold"))
    y += value_size + 24
    parts.append(_text(pad, y, [content.value_note], 26, GREY))
    y += 64
    colour = STATUS_COLOURS.get(content.status_css, GREY)
    status_size = 34 if square else 28
    step = int(status_size * 1.3)
    status_chars = int((left - 2 * pad - 26) / (status_size * 0.6))
    status_lines = _lines(content.status, status_chars, 2)
    parts.append(
        f'<rect x="{pad}" y="{y - status_size}" width="10" height="{len(status_lines) * step}" fill="{colour}"/>'
    )
    parts.append(_text(pad + 26, y, status_lines, status_size, colour, "bold", 1.3))
    y += len(status_lines) * step + 12
    room = (height - 40 - 60 - y) // 30 + 1  # lines of the sentence that fit above the footer
    if content.sentence and room > 0:
        lines = _lines(content.sentence, int((left - 2 * pad) / (24 * 0.56)), min(3, room))
        parts.append(_text(pad, y, lines, 24, DARK))
        y += len(lines) * 30
    footer_y = height - 40
    if content.chart:
        box = (
            (pad, y + 110, width - 2 * pad, footer_y - y - 170)
            if square
            else (left, 200, width - left - pad, footer_y - 250)
        )
        if box[3] > 80:
            svg = spec_svg(static_spec(content.chart, width=box[2], height=box[3]))
            parts.append(_nested(svg, *box))
    source = _("Licence: %(licence)s · Source: %(source)s") % {
        "source": content.source,
        "licence": content.licence,
    }
    parts.append(
        f'<line x1="{pad}" x2="{width - pad}" y1="{footer_y - 44}" y2="{footer_y - 44}" stroke="#d1d9e0" stroke-width="2"/>'
    )
    parts.append(
        _text(pad, footer_y - 12, _lines(source, int((width - 2 * pad) / (20 * 0.55)), 1), 20, GREY)
    )
    parts.append(_text(pad, footer_y + 18, [f"{content.owner} · {content.url}"], 20, GREY))
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


def _absolute(path: str) -> str:
    return settings.TERRITORI_BASE_URL.rstrip("/").split("://", 1)[-1] + path


def indicator_card(indicator: Indicator) -> CardContent:
    from territori.presentation.assessments import assessment_sentence

    item = ind.indicators_with_badges(indicators=[indicator])[0]
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
        licence=indicator.licence or _("not recorded"),
        url=_absolute(indicator.get_absolute_url()),
        owner=owner,
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
        licence=", ".join(sources) or _("not recorded"),
        url=_absolute(node.get_absolute_url()),
        owner=site_owner().name,
    )
