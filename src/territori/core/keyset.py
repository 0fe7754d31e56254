"""Keyset ("seek") pagination: a page that starts after the last row of the one before, found by
comparing the ordering columns instead of skipping `offset` rows, so the page after the
millionth row costs what the first one does.

A list's ordering becomes total by adding the primary key, and explicit about missing values
(ascending puts them first, descending last, on every database), so a cursor means the same on
SQLite and PostgreSQL. The cursor is the ordering values of the last row served, as URL-safe
base64 JSON: opaque to clients, checked when it comes back.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import F, OrderBy, Q, QuerySet


class CursorError(ValueError):
    """A cursor that this list did not give out (damaged, or from another list)."""


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool


def ordering_keys(queryset: QuerySet[Any, Any]) -> list[Key] | None:
    """The columns `queryset` is ordered by, ending with the primary key; None when an ordering
    term is not a plain column (an expression, a random order, a relation's own ordering)."""
    query = queryset.query
    terms: list[Any] = list(query.order_by) or (
        list(query.get_meta().ordering or []) if query.default_ordering else []
    )
    model = queryset.model
    keys: list[Key] = []
    for term in terms:
        if isinstance(term, OrderBy) and isinstance(term.expression, F):
            keys.append(Key(term.expression.name, term.descending))
        elif isinstance(term, str) and term != "?":
            keys.append(Key(term.lstrip("-"), term.startswith("-")))
        else:
            return None
    for key in keys:
        if not _is_column(model, key.field, queryset):
            return None
    pk = model._meta.pk.name
    if not keys or keys[-1].field not in {"pk", "id", pk}:
        keys.append(Key("pk", keys[-1].descending if keys else False))
    return keys


def _is_column(model: Any, path: str, queryset: QuerySet[Any, Any]) -> bool:
    """Whether `path` ("territory__code", "pk", an annotation) names one column, not a
    relation (whose ordering would be its model's own)."""
    if path == "pk" or path in queryset.query.annotations:
        return True
    parts = path.split("__")
    for n, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return False
        if field.is_relation:
            if n == len(parts) - 1:
                return False
            model = field.related_model
        elif n != len(parts) - 1:
            return False
    return True


def ordered(queryset: QuerySet[Any, Any], keys: list[Key]) -> QuerySet[Any, Any]:
    """`queryset` in the order of `keys`, missing values first going up and last going down."""
    return queryset.order_by(
        *(
            F(key.field).desc(nulls_last=True)
            if key.descending
            else F(key.field).asc(nulls_first=True)
            for key in keys
        )
    )


def after(keys: list[Key], values: list[Any]) -> Q:
    """The rows that come after a row with these ordering values (in `ordered`'s order)."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= equal & _beyond(key, value)
        equal &= Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})
    return condition


def _beyond(key: Key, value: Any) -> Q:
    if value is None:  # missing values come first going up, last going down
        return Q(pk__in=[]) if key.descending else Q(**{f"{key.field}__isnull": False})
    if key.descending:
        return Q(**{f"{key.field}__lt": value}) | Q(**{f"{key.field}__isnull": True})
    return Q(**{f"{key.field}__gt": value})


def _exact(value: Any) -> str:
    """Dates and times to the microsecond (Django's JSON encoder keeps milliseconds, and a
    cursor that rounds would serve a row twice); decimals and UUIDs as their text."""
    if isinstance(value, datetime.date | datetime.time | Decimal | UUID):
        return value.isoformat() if not isinstance(value, Decimal | UUID) else str(value)
    raise TypeError(f"{type(value).__name__} cannot be a cursor value")


def encode(values: list[Any] | tuple[Any, ...]) -> str:
    text = json.dumps(list(values), default=_exact, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, *, length: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise CursorError("the cursor is damaged: use one this list gave") from error
    scalar = (str, int, float, bool, type(None))
    if not (
        isinstance(values, list)
        and len(values) == length
        and all(isinstance(v, scalar) for v in values)
    ):
        raise CursorError("the cursor does not belong to this list: use one this list gave")
    return values
