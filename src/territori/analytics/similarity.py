"""Similarity of short texts by tf-idf weights of their distinctive words: which earlier
contributions say what a new one says. Pure Python, no Django."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

from territori.io.text import fold

#: Italian and English words too common to tell contributions apart.
STOPWORDS = frozenset(
    [
        "a",
        "ad",
        "al",
        "alla",
        "alle",
        "agli",
        "ai",
        "anche",
        "che",
        "chi",
        "con",
        "come",
        "da",
        "dal",
        "dalla",
        "dei",
        "del",
        "della",
        "delle",
        "di",
        "e",
        "ed",
        "gli",
        "i",
        "il",
        "in",
        "la",
        "le",
        "lo",
        "ma",
        "nei",
        "nel",
        "nella",
        "non",
        "o",
        "per",
        "piu",
        "più",
        "se",
        "si",
        "sono",
        "su",
        "sul",
        "sulla",
        "tra",
        "un",
        "una",
        "uno",
        "the",
        "of",
        "and",
        "to",
        "in",
        "for",
        "on",
        "with",
        "is",
        "are",
        "be",
        "this",
        "that",
        "it",
        "at",
        "by",
        "an",
        "or",
        "from",
        "as",
    ]
)


def terms(text: str) -> set[str]:
    """The distinctive words of a text: folded, longer than two letters, no stop words."""
    words = "".join(c if c.isalnum() else " " for c in fold(text)).split()
    return {w for w in words if len(w) > 2 and w not in STOPWORDS}


def most_similar(
    query: str, documents: Sequence[tuple[Hashable, str]], *, limit: int = 5
) -> list[tuple[Hashable, float]]:
    """The documents (key, text) sharing the most distinctive words with `query`, best first:
    cosine-like score of tf-idf weights (smoothed idf, ln((1 + n) / (1 + df)) + 1) over the
    shared words, normalised by the query's weights and the document's length. Ties: the
    larger key first (the newer contribution)."""
    wanted = terms(query)
    if not wanted:
        return []
    indexed = [(key, terms(text)) for key, text in documents]
    frequency: dict[str, int] = {}
    for _key, words in indexed:
        for word in words & wanted:
            frequency[word] = frequency.get(word, 0) + 1
    total = len(indexed)
    weights = {w: math.log((1 + total) / (1 + n)) + 1 for w, n in frequency.items()}
    query_norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    scored = []
    for key, words in indexed:
        shared = words & wanted
        if shared:
            score = sum(weights[w] ** 2 for w in shared) / (query_norm * math.sqrt(len(words)))
            scored.append((key, score))
    scored.sort(key=lambda pair: (-pair[1], _negated(pair[0])))
    return scored[:limit]


def _negated(key: Hashable) -> object:
    return -key if isinstance(key, int | float) else key
