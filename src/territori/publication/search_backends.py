"""Full-text search, the one dialect module of publication: FTS5 on SQLite, tsvector on
PostgreSQL. Both answer the same question: the ids of the search entries that match a query,
best first, ranked with the title weighing more than the text.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

from territori.io.text import fold

#: Words of at least one letter or digit; everything else (quotes, operators) is dropped,
#: so no query can be a syntax error in either engine.
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


def query_words(text: str) -> list[str]:
    """The query's words, folded like the index (lower case, no accents)."""
    return _WORD.findall(fold(text))[:MAX_WORDS]


# SQLite: an external-content FTS5 table kept in step with the entries by triggers -----------

SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS publication_search_fts USING fts5(
        title_terms, body_terms, content='publication_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS publication_search_ai AFTER INSERT ON publication_searchentry
       BEGIN INSERT INTO publication_search_fts(rowid, title_terms, body_terms)
       VALUES (new.id, new.title_terms, new.body_terms); END""",
    """CREATE TRIGGER IF NOT EXISTS publication_search_ad AFTER DELETE ON publication_searchentry
       BEGIN INSERT INTO publication_search_fts(publication_search_fts, rowid, title_terms, body_terms)
       VALUES ('delete', old.id, old.title_terms, old.body_terms); END""",
    """CREATE TRIGGER IF NOT EXISTS publication_search_au AFTER UPDATE ON publication_searchentry
       BEGIN INSERT INTO publication_search_fts(publication_search_fts, rowid, title_terms, body_terms)
       VALUES ('delete', old.id, old.title_terms, old.body_terms);
       INSERT INTO publication_search_fts(rowid, title_terms, body_terms)
       VALUES (new.id, new.title_terms, new.body_terms); END""",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS publication_search_ai",
    "DROP TRIGGER IF EXISTS publication_search_ad",
    "DROP TRIGGER IF EXISTS publication_search_au",
    "DROP TABLE IF EXISTS publication_search_fts",
]

# PostgreSQL: an expression index on the weighted document, in the entry's language ----------

PG_CONFIG = "(CASE language WHEN 'en' THEN 'english'::regconfig ELSE 'italian'::regconfig END)"
PG_DOCUMENT = (
    f"(setweight(to_tsvector({PG_CONFIG}, title_terms), 'A') || "
    f"setweight(to_tsvector({PG_CONFIG}, body_terms), 'B'))"
)
PG_SETUP = [
    f"CREATE INDEX IF NOT EXISTS publication_search_document ON publication_searchentry "
    f"USING gin ({PG_DOCUMENT})"
]
PG_TEARDOWN = ["DROP INDEX IF EXISTS publication_search_document"]


def setup_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_SETUP, "postgresql": PG_SETUP}.get(vendor, [])


def teardown_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_TEARDOWN, "postgresql": PG_TEARDOWN}.get(vendor, [])


def _filters(language: str, kinds: list[str]) -> tuple[str, list[Any]]:
    sql = " AND e.language = %s"
    params: list[Any] = [language]
    if kinds:
        sql += f" AND e.kind IN ({', '.join(['%s'] * len(kinds))})"
        params += kinds
    return sql, params


def _match(words: list[str], language: str) -> tuple[str, str, list[Any]]:
    """FROM/WHERE fragment and rank expression for the words (each a prefix, all required)."""
    if connection.vendor == "sqlite":
        expression = " ".join(f'"{word}"*' for word in words)
        return (
            "publication_searchentry e JOIN publication_search_fts f ON f.rowid = e.id "
            "WHERE publication_search_fts MATCH %s",
            # bm25 is lower for better matches; the title counts ten times the text.
            "bm25(publication_search_fts, 10.0, 1.0)",
            [expression],
        )
    if connection.vendor == "postgresql":
        config = "english" if language == "en" else "italian"
        terms = " & ".join(f"{word}:*" for word in words)
        return (
            f"publication_searchentry e, to_tsquery('{config}', %s) q WHERE {PG_DOCUMENT} @@ q",
            # Weights D, C, B (text), A (title): the title counts ten times the text, as on
            # SQLite; the defaults (0.4 against 1.0) let a word repeated in the text win.
            f"-ts_rank_cd('{{0.01, 0.02, 0.1, 1.0}}', {PG_DOCUMENT}, q)",
            [terms],
        )
    raise NotImplementedError(f"Full-text search is not available on {connection.vendor}")


def search_ids(
    text: str, *, language: str, kinds: list[str], limit: int, offset: int = 0
) -> list[int]:
    """Ids of the matching entries, best first (one query)."""
    words = query_words(text)
    if not words:
        return []
    source, rank, params = _match(words, language)
    where, filter_params = _filters(language, kinds)
    sql = f"SELECT e.id FROM {source}{where} ORDER BY {rank}, e.id LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *filter_params, limit, offset])
        return [row[0] for row in cursor.fetchall()]


def search_counts(text: str, *, language: str) -> dict[str, int]:
    """How many entries of each kind match (one query), for the type filter."""
    words = query_words(text)
    if not words:
        return {}
    source, _rank, params = _match(words, language)
    where, filter_params = _filters(language, [])
    sql = f"SELECT e.kind, COUNT(*) FROM {source}{where} GROUP BY e.kind"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *filter_params])
        return dict(cursor.fetchall())
