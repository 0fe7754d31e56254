"""The coherence scale in words (SEI's seven-point scale, +3 indivisible to -3 cancelling) and
the influence quadrants, for pages, sheets and their PDFs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

QUADRANT_LABELS = {
    "determinant": gettext_noop("determinant (drives the others)"),
    "relay": gettext_noop("relay (drives and depends)"),
    "result": gettext_noop("result (depends on the others)"),
    "autonomous": gettext_noop("autonomous (loosely connected)"),
}
SCORE_WORDS = {
    3: gettext_noop("indivisible"),
    2: gettext_noop("reinforcing"),
    1: gettext_noop("enabling"),
    0: gettext_noop("consistent"),
    -1: gettext_noop("constraining"),
    -2: gettext_noop("counteracting"),
    -3: gettext_noop("cancelling"),
}


def score_word(value: float | None) -> str:
    if value is None:
        return ""
    return _(SCORE_WORDS[max(-3, min(3, round(value)))])
