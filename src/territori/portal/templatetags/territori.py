"""Template filters of the portal."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from territori.portal.charts import sparkline_points

register = template.Library()

GAP_LABELS = {
    "on_track": gettext_noop("on track"),
    "partial": gettext_noop("partial"),
    "off_track": gettext_noop("off track"),
    "achieved": gettext_noop("achieved"),
}


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def gap_label(status: str) -> str:
    return _(GAP_LABELS[status]) if status in GAP_LABELS else ""


@register.filter
def sparkline(values: list[tuple[int, float]]) -> str:
    return sparkline_points([value for _year, value in values])


@register.filter
def score_word(value: float | None) -> str:
    """The seven-point scale's word for a (rounded) score."""
    from territori.portal.coherence_views import score_word as word

    return word(value)


@register.filter
def status_word(status: str) -> str:
    from territori.indicators.selectors import status_label

    return status_label(status)[1]
