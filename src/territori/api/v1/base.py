"""What every router of `/api/v1/` shares: the JSON renderer, the documentation page, the text
type, the documented errors and the pagination."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import.
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Swagger
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination
from ninja.renderers import JSONRenderer
from pydantic import AfterValidator

from territori.core import jsonsafe, keyset
from territori.core.rows import RowList


class FiniteJSONRenderer(JSONRenderer):
    """JSON with NaN and infinities written as null, so every answer is valid JSON."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return jsonsafe.dumps(data, cls=self.encoder_class)


class AccessibleSwagger(Swagger):
    """Swagger UI served from our static files, with a language, a main landmark and colours
    that meet WCAG AA contrast (`territori/css/swagger-a11y.css`)."""

    template = "api/swagger.html"


def no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("NUL characters (0x00) are not accepted")
    return text


#: Text sent to the API: never a NUL character, which PostgreSQL refuses in text columns.
Text = Annotated[str, AfterValidator(no_nul)]

DETAIL = {"application/json": {"schema": {"type": "object", "properties": {"detail": {}}}}}
#: Error answers every operation documents. Integer codes, like django-ninja's own, so the two
#: merge instead of giving the schema the same key twice (which breaks YAML readers).
ERRORS: dict[str, dict[int | str, Any]] = {
    "responses": {
        404: {"description": "Not found", "content": DETAIL},
        422: {"description": "Invalid parameters", "content": DETAIL},
        429: {"description": "Too many requests (see Retry-After)", "content": DETAIL},
    }
}


def token_errors(scope: str) -> dict[int | str, Any]:
    """The error answers of a write operation: ERRORS and the 401 of a missing scope."""
    return {
        **ERRORS["responses"],
        401: {"description": f"No valid token with the {scope} scope", "content": DETAIL},
    }


#: A list counts its matching rows up to this many (a count of millions of rows would cost
#: more than the page itself); beyond it `count_capped` says there are more.
COUNT_CAP = 10_000


class Page(LimitOffsetPagination):
    """limit (1-1000, default 100) and either offset (bounded, so no database overflows) or the
    `cursor` the page before gave (keyset pagination: the page after the millionth row costs
    what the first does); the count stops at COUNT_CAP, so a page costs about the same whatever
    the rows matching."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=100_000_000)
        cursor: str | None = Field(
            None,
            max_length=2000,
            description="the `next_cursor` of the page before (instead of offset)",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"the rows matching, counted up to {COUNT_CAP:,}")
        count_capped: bool = Field(description=f"true when more than {COUNT_CAP:,} rows match")
        next_cursor: str | None = Field(
            description="pass it as `cursor` for the next page; null on the last page"
        )

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        if pagination.cursor is not None and offset:
            raise HttpError(422, "give either offset or cursor, not both")
        try:
            return paginated(queryset, offset=offset, limit=limit, cursor=pagination.cursor)
        except keyset.CursorError as error:
            raise HttpError(422, str(error)) from error


def paginated(rows: Any, *, offset: int, limit: int, cursor: str | None) -> dict[str, Any]:
    """A page of `rows` (a RowList, a QuerySet or a short list) with its capped count and the
    cursor of the next page."""
    base = rows.rows if isinstance(rows, RowList) else rows
    keys = keyset.ordering_keys(base) if isinstance(base, QuerySet) else None
    if keys is None:  # a short list in memory: its cursor is the next offset
        if cursor is not None:
            (offset,) = keyset.decode(cursor, length=1)
            if not isinstance(offset, int) or not 0 <= offset <= 100_000_000:
                raise keyset.CursorError("the cursor does not belong to this list")
        counted = len(rows) if not isinstance(base, QuerySet) else base[: COUNT_CAP + 1].count()
        items = list(rows[offset : offset + limit])
        following = keyset.encode([offset + limit]) if len(items) == limit else None
        return _page(items, counted, following)
    whole = keyset.ordered(base, keys)
    # COUNT over at most cap + 1 rows (a LIMIT in a subquery), of the whole list
    counted = int(whole[: COUNT_CAP + 1].count())
    page = whole
    if cursor is not None:
        page = whole.filter(keyset.after(keys, keyset.decode(cursor, length=len(keys))))
    items = list(_like(rows, page)[offset : offset + limit])
    following = None
    if len(items) == limit:
        last = page.values_list(*(key.field for key in keys))[offset + limit - 1]
        following = keyset.encode(last)
    return _page(items, counted, following)


def _like(rows: Any, queryset: QuerySet[Any, Any]) -> Any:
    return RowList(queryset, rows.names, rows.post) if isinstance(rows, RowList) else queryset


def _page(items: list[Any], counted: int, following: str | None) -> dict[str, Any]:
    return {
        "items": items,
        "count": min(counted, COUNT_CAP),
        "count_capped": counted > COUNT_CAP,
        "next_cursor": following,
    }


def one_of(values: list[str]) -> str:
    """A pattern that accepts exactly these values (an unknown one is a 422)."""
    return "^(" + "|".join(values) + ")$"
