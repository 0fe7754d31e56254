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

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, OrderBy, Q, QuerySet


class CursorError(ValueError):
    """A cursor that this list did not give out (damaged, or from another list)."""


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool
    #: whether the column may be empty (only then is the place of missing values spelled
    #: out, which would keep PostgreSQL from reading the order off an index)
    nullable: bool = True


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
    checked = []
    for key in keys:
        nullable = _column_nullable(model, key.field, queryset)
        if nullable is None:
            return None
        checked.append(Key(key.field, key.descending, nullable))
    keys = checked
    pk = model._meta.pk.name
    if not keys or (keys[-1].field not in {"pk", "id", pk} and not _unique(model, keys)):
        keys.append(Key("pk", keys[-1].descending if keys else False, nullable=False))
    return keys


def _unique(model: Any, keys: list[Key]) -> bool:
    """Whether the ordering columns already name one row (they hold a unique constraint of
    the model's own non-null columns), so no primary key is needed to break ties."""
    local = {key.field.removesuffix("_id") for key in keys if not key.nullable}
    sets = [set(c.fields) for c in model._meta.total_unique_constraints]
    sets += [set(t) for t in model._meta.unique_together]
    return any(fields and fields <= local for fields in sets)


def _column_nullable(model: Any, path: str, queryset: QuerySet[Any, Any]) -> bool | None:
    """Whether the column `path` ("territory__code", "pk", "indicator_id", an annotation) may
    be empty; None when it is not one column (a relation, whose ordering would be its
    model's own, or an unknown name)."""
    if path == "pk":
        return False
    if path in queryset.query.annotations:
        return True
    parts = path.split("__")
    nullable = False
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        if last and part in by_attname and part not in {f.name for f in model._meta.fields}:
            return nullable or bool(by_attname[part].null)  # "indicator_id": the key itself
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        nullable = nullable or bool(getattr(field, "null", False))
        if field.is_relation:
            if last:
                return None
            model = field.related_model
        elif not last:
            return None
    return nullable


def ordered(queryset: QuerySet[Any, Any], keys: list[Key]) -> QuerySet[Any, Any]:
    """`queryset` in the order of `keys`, missing values first going up and last going down."""

    def term(key: Key) -> Any:
        if not key.nullable:
            return F(key.field).desc() if key.descending else F(key.field).asc()
        if key.descending:
            return F(key.field).desc(nulls_last=True)
        return F(key.field).asc(nulls_first=True)

    return queryset.order_by(*(term(key) for key in keys))


def after(keys: list[Key], values: list[Any]) -> Q:
    """The rows that come after a row with these ordering values (in `ordered`'s order)."""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        condition |= equal & _beyond(key, value)
        equal &= Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})
    first, start = keys[0], values[0]
    if not first.nullable and start is not None:
        # a bound on the first column alone, which the planner can take from an index (the
        # alternatives above it cannot): the seek starts there instead of at the first row
        bound = f"{first.field}__lte" if first.descending else f"{first.field}__gte"
        condition = Q(**{bound: start}) & condition
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
