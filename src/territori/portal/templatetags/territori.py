"""Template filters of the portal."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from territori.portal.charts import sparkline_points

register = template.Library()

GAP_LABELS = {
    "on_track": "on track",
    "partial": "partial",
    "off_track": "off track",
    "achieved": "achieved",
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
