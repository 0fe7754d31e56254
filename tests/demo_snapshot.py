"""A copy of the test database taken once the demo is loaded, put back before each browser test.

Browser tests talk to a live server, so their data must be committed, and the database is
flushed after each of them. Loading the demo again takes over a minute (its indicators are
recomputed); putting the copy back takes a second or two. The demo load itself is tested in
`tests/demo`.

SQLite: the in-memory database is copied whole with SQLite's online backup. PostgreSQL: the
rows of every table are copied out and in with binary COPY inside one transaction (Django's
foreign keys are deferrable, so the order of the tables does not matter) and the sequences
are set past the highest ids.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction


class DemoSnapshot:
    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._tables: list[tuple[str, bytes]] = []

    @staticmethod
    def _table_names() -> list[str]:
        return sorted(connection.introspection.django_table_names(only_existing=True))

    def take(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self._sqlite)
        elif connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw: Any = cursor.cursor
                for table in self._table_names():
                    with raw.copy(f'COPY "{table}" TO STDOUT (FORMAT BINARY)') as copy:
                        self._tables.append((table, b"".join(bytes(block) for block in copy)))
        else:  # pragma: no cover
            raise NotImplementedError(connection.vendor)

    def restore(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            assert self._sqlite is not None, "no snapshot taken"
            self._sqlite.backup(connection.connection)
        else:
            with transaction.atomic(), connection.cursor() as cursor:
                raw: Any = cursor.cursor
                names = ", ".join(f'"{table}"' for table, _data in self._tables)
                cursor.execute(f"TRUNCATE {names}")
                for table, data in self._tables:
                    with raw.copy(f'COPY "{table}" FROM STDIN (FORMAT BINARY)') as copy:
                        copy.write(data)
                models = apps.get_models(include_auto_created=True)
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
        ContentType.objects.clear_cache()
