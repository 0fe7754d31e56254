"""What every router of `/api/v1/` shares: the JSON renderer, the documentation page, the text
type, the documented errors and the pagination."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import.
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema, Swagger
from ninja.pagination import LimitOffsetPagination
from ninja.renderers import JSONRenderer
from pydantic import AfterValidator

from territori.core import jsonsafe


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
    """limit (1-1000, default 100) and offset (bounded, so no database overflows); the count
    stops at COUNT_CAP, so a page costs about the same whatever the rows matching."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=100_000_000)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"the rows matching, counted up to {COUNT_CAP:,}")
        count_capped: bool = Field(description=f"true when more than {COUNT_CAP:,} rows match")

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        cap = COUNT_CAP
        # COUNT over at most cap + 1 rows (a LIMIT in a subquery)
        if hasattr(queryset, "count_upto"):
            counted = queryset.count_upto(cap + 1)
        elif isinstance(queryset, QuerySet):
            counted = queryset[: cap + 1].count()
        else:
            counted = len(queryset)
        return {
            "items": queryset[offset : offset + limit],
            "count": min(counted, cap),
            "count_capped": counted > cap,
        }


def one_of(values: list[str]) -> str:
    """A pattern that accepts exactly these values (an unknown one is a 422)."""
    return "^(" + "|".join(values) + ")$"
