"""Plain rows for lists that may be long: what list selectors return to the API and downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet

Row = dict[str, Any]


class RowList:
    """A lazy, countable, sliceable list of plain dicts over a `values_list` query: a page costs
    one count query and one select, however long the list; `tuples` streams it for a file."""

    def __init__(
        self,
        rows: QuerySet[Any, tuple[Any, ...]],
        names: tuple[str, ...],
        post: Callable[[Row], Row] | None = None,
    ) -> None:
        self.rows, self.names, self.post = rows, names, post

    def count(self) -> int:
        return int(self.rows.count())

    def count_upto(self, limit: int) -> int:
        """The rows, counted up to `limit` (a COUNT over a LIMIT subquery)."""
        return int(self.rows[:limit].count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Row]:
        items = [dict(zip(self.names, row, strict=True)) for row in self.rows[index]]
        return [self.post(item) for item in items] if self.post else items

    def tuples(self, *, limit: int, chunk_size: int = 5000) -> Iterator[tuple[Any, ...]]:
        """At most `limit` rows as tuples in the order of `names`, read in chunks (one query)."""
        yield from self.rows[:limit].iterator(chunk_size=chunk_size)
