"""/api/v1/atlas: projects (and their public log, written with a token), networks and
organisations."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from territori.api.auth import TokenAuth
from territori.atlas import selectors
from territori.atlas.models import Network, Project

from .base import ERRORS, Page, Text, one_of, token_errors


class ProjectOut(Schema):
    code: str
    cup: str
    title: str
    origin: str
    status: str
    total_funding: float | None
    commitments: float | None
    payments: float | None
    progress: int | None
    data_status: str


class NetworkOut(Schema):
    code: str
    name: str
    kind: str
    lead: str | None
    start: dt.date | None
    end: dt.date | None
    status: str


class OrganisationOut(Schema):
    code: str
    name: str
    kind: str
    seat: str | None
    status: str


class ServedFilters(FilterSchema):
    """What the atlas page filters by: the agenda's Mission, the plan's axis, the zona."""

    mission: str | None = Field(None, description="code of a Mission of the site's agenda")
    axis: str | None = Field(None, description="code of an axis of the plan (with its nodes)")
    zone: str | None = Field(None, description="code of a zona omogenea (ZO01...)")

    def atlas_filters(self) -> selectors.AtlasFilters:
        given = {k: v for k, v in self.model_dump().items() if v is not None}
        if "zone" in given:
            given["zona"] = given.pop("zone")
        return selectors.AtlasFilters(**given)


class ProjectFilters(ServedFilters):
    origin: str | None = Field(None, pattern=one_of(Project.Origin.values))
    status: str | None = Field(None, pattern=one_of(Project.Status.values))
    comune: str | None = Field(None, description="ISTAT code of a comune the project is in")


class NetworkFilters(ServedFilters):
    kind: str | None = Field(None, pattern=one_of(Network.Kind.values))


class KindFilters(FilterSchema):
    kind: str | None = None


router = Router(tags=["atlas"])


@router.get("/projects", response=list[ProjectOut], openapi_extra=ERRORS)
@paginate(Page)
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    """The projects of the atlas page, with the same filters."""
    return selectors.project_rows(filters=filters.atlas_filters())


class ProjectUpdateIn(Schema):
    text: Text = Field(..., min_length=1, max_length=5000)
    progress: int | None = Field(None, ge=0, le=100)
    milestone: Text = Field("", max_length=300)
    milestone_due: dt.date | None = None


class ProjectUpdateOut(Schema):
    project: str
    date: dt.datetime
    text: str
    changes: dict[str, Any]


@router.post(
    "/projects/{code}/updates",
    response={201: ProjectUpdateOut, 401: dict[str, Any]},
    auth=TokenAuth("write-atlas", "atlas.add_projectupdate"),
    openapi_extra={"responses": token_errors("write-atlas")},
)
def project_update_create(request: HttpRequest, code: str, payload: ProjectUpdateIn) -> Any:
    """Add a dated entry to a project's public log (and optionally its progress and a
    milestone), as staff do on the project page; audited under the token's user."""
    from territori.atlas.services import project_update_add

    project = get_object_or_404(Project, code=code)
    if not payload.text.strip():
        raise HttpError(422, "text: required")
    update = project_update_add(
        project=project,
        text=payload.text,
        actor=request.auth.user,  # type: ignore[attr-defined]
        progress=payload.progress,
        milestone=payload.milestone.strip(),
        milestone_due=payload.milestone_due,
        channel="api",
    )
    body = {
        "project": code,
        "date": update.created_at,
        "text": update.text,
        "changes": update.changes,
    }
    return Status(201, body)


@router.get("/networks", response=list[NetworkOut], openapi_extra=ERRORS)
@paginate(Page)
def network_list(request: HttpRequest, filters: Query[NetworkFilters]) -> Any:
    """The networks of the atlas page, with the same filters."""
    return selectors.network_rows(filters=filters.atlas_filters())


@router.get("/organisations", response=list[OrganisationOut], openapi_extra=ERRORS)
@paginate(Page)
def organisation_list(request: HttpRequest, filters: Query[KindFilters]) -> Any:
    return selectors.organisation_rows(**filters.model_dump())
