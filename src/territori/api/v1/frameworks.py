"""/api/v1/frameworks: the frameworks (with their role) and their nodes."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate

from territori.frameworks import selectors
from territori.frameworks.models import Framework

from .base import ERRORS, Page


class FrameworkOut(Schema):
    code: str
    short_name: str
    name_it: str
    name_en: str
    version: str
    status: str
    role: str


class NodeOut(Schema):
    framework: str
    code: str
    level: str
    parent: str | None
    title_it: str
    title_en: str
    status: str


class NodeFilters(FilterSchema):
    level: str | None = None


router = Router(tags=["frameworks"])


@router.get("/", response=list[FrameworkOut], openapi_extra=ERRORS)
def framework_list(request: HttpRequest) -> Any:
    """Every framework; `role` says which is the site's agenda, plan, national or regional
    strategy (empty for the others)."""
    return selectors.framework_rows()


@router.get("/{code}/nodes", response=list[NodeOut], openapi_extra=ERRORS)
@paginate(Page)
def node_list(request: HttpRequest, code: str, filters: Query[NodeFilters]) -> Any:
    framework = get_object_or_404(Framework, code=code)
    return selectors.node_rows(framework=framework, **filters.model_dump())
