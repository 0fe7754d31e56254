"""/api/v1/territories: Italy down to the comuni, and their boundaries."""

from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from territori.territories import selectors
from territori.territories.models import Territory

from .base import ERRORS, Page

TerritoryKind = Literal["country", "region", "province", "metro_city", "zona", "comune"]


class TerritoryOut(Schema):
    code: str
    kind: str
    name: str
    number: int | None
    parent: str | None


class TerritoryFilters(FilterSchema):
    kind: TerritoryKind | None = None


router = Router(tags=["territories"])


@router.get("/", response=list[TerritoryOut], openapi_extra=ERRORS)
@paginate(Page)
def territory_list(request: HttpRequest, filters: Query[TerritoryFilters]) -> Any:
    return selectors.territory_rows(**filters.model_dump())


@router.get("/{code}/geojson", response=dict[str, Any], openapi_extra=ERRORS)
def territory_geojson(request: HttpRequest, code: str) -> Any:
    """The boundary as a GeoJSON Feature (WGS84); `geometry` is null when not loaded."""
    territory = get_object_or_404(Territory, code=code)
    return {
        "type": "Feature",
        "id": territory.code,
        "properties": {"code": territory.code, "name": territory.name, "kind": territory.kind},
        "geometry": territory.boundary,
    }
