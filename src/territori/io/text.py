"""Text helpers: accent-insensitive keys for matching names and for search."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, accents removed, punctuation collapsed to single spaces.

    >>> fold("Leinì")
    'leini'
    >>> fold("Val d'Aosta  –  Nord")
    'val d aosta nord'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped.lower()).strip()
