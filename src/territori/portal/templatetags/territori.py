"""Template filters of the portal."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from territori.core import jsonsafe
from territori.presentation.charts import sparkline_points

register = template.Library()


@register.filter
def finite_json_script(value: Any, element_id: str) -> str:
    """Django's json_script, with NaN and infinities written as null (valid JSON)."""
    return json_script(jsonsafe.finite(value), element_id)


GAP_LABELS = {
    "on_track": gettext_noop("on track"),
    "partial": gettext_noop("partial"),
    "off_track": gettext_noop("off track"),
    "achieved": gettext_noop("achieved"),
}


@register.filter
def css_string(value: Any) -> str:
    """A quoted CSS string for `content:` in a print style sheet: letters, digits and spaces as
    they are, anything else as a CSS escape (no quote or `</style>` can break out)."""
    escaped = "".join(
        char if char.isalnum() or char == " " else f"\\{ord(char):06x}" for char in str(value)
    )
    return mark_safe(f'"{escaped}"')


@register.filter
def trend_badge(trend: Any) -> dict[str, str]:
    """css and label of a comparison trend (long or short term)."""
    from territori.presentation.assessments import trend_badge as badge

    return badge(trend)


@register.filter
def trend_arrow(item: Any) -> str:
    """↗, → or ↘: whether a scorecard item's long-term change goes the desired way."""
    from territori.presentation.assessments import trend_arrow as arrow

    return arrow(item)


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
    from territori.presentation.coherence import score_word as word

    return word(value)


@register.filter
def status_word(status: str) -> str:
    from territori.indicators.selectors import status_label

    return status_label(status)[1]


@register.filter
def yearly_rate(value: float | None) -> str:
    """An average yearly growth rate as a signed percentage: 0.0441 → "+4,4 %"."""
    from django.utils.formats import number_format

    if not isinstance(value, int | float) or value != value:  # missing ("" in templates) or NaN
        return "–"
    text = number_format(round(value * 100, 1), decimal_pos=1, use_l10n=True)
    return f"{'+' if value > 0 else ''}{text} %"


@register.filter
def signed(value: float | None, decimals: int = 1) -> str:
    """A difference with its sign, in the active language's number format."""
    from django.utils.formats import number_format

    if not isinstance(value, int | float) or value != value:  # missing ("" in templates) or NaN
        return "–"
    text = number_format(
        round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
    return f"{'+' if value > 0 else ''}{text}"


@register.filter
def tercile_label(tercile: int) -> str:
    return {1: _("top third"), 2: _("middle third"), 3: _("bottom third")}.get(tercile, "–")


@register.filter
def getlist(mapping: Any, key: str) -> list[Any]:
    try:
        return list(mapping.getlist(key))
    except AttributeError:
        return []


@register.filter
def number(value: float | None, decimals: int = 1) -> str:
    """A value with thousands separators in the active language: 21338 → "21.338"."""
    from django.utils.formats import number_format

    if not isinstance(value, int | float) or value != value:
        return "–"
    return number_format(
        round(value, decimals), decimal_pos=decimals, use_l10n=True, force_grouping=True
    )
