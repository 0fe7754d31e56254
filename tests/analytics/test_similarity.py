"""tf-idf similarity of short texts, against hand-computed weights."""

from __future__ import annotations

import math

import pytest

from territori.analytics.similarity import most_similar, terms


def test_terms_fold_accents_and_drop_stop_words_and_short_words() -> None:
    assert terms("Le Comunità energetiche per i comuni, già!") == {
        "comunita",
        "energetiche",
        "comuni",
        "gia",
    }


def test_scores_match_the_hand_computed_tfidf() -> None:
    documents = [(1, "energia solare"), (2, "energia eolica"), (3, "scuole")]
    found = most_similar("energia solare", documents, limit=5)
    # idf (smoothed): energia in 2 of 3 documents, solare in 1
    w_energia = math.log((1 + 3) / (1 + 2)) + 1
    w_solare = math.log((1 + 3) / (1 + 1)) + 1
    norm = math.sqrt(w_energia**2 + w_solare**2)
    expected_1 = (w_energia**2 + w_solare**2) / (norm * math.sqrt(2))
    expected_2 = w_energia**2 / (norm * math.sqrt(2))
    assert [key for key, _score in found] == [1, 2]
    assert found[0][1] == pytest.approx(expected_1, rel=1e-12)
    assert found[1][1] == pytest.approx(expected_2, rel=1e-12)


def test_ties_put_the_newer_key_first_and_nothing_matches_stop_words() -> None:
    documents = [(1, "piste ciclabili"), (7, "piste ciclabili")]
    assert [key for key, _s in most_similar("ciclabili", documents)] == [7, 1]
    assert most_similar("il la di per", documents) == []
