"""/api/v1/participation: processes, meetings, public contributions and comments (never their
authors), debates, and official answers written with a token."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from territori.api.auth import TokenAuth
from territori.participation import selectors
from territori.participation.models import Comment, Contribution, Meeting

from .base import ERRORS, Page, Text, one_of, token_errors


class ProcessOut(Schema):
    code: str
    title_it: str
    title_en: str
    status: str
    data_status: str


class MeetingOut(Schema):
    code: str
    kind: str
    title_it: str
    title_en: str
    process: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_known: bool
    place_name: str
    comune: str | None
    zone: str | None
    online_url: str
    cancelled: bool
    minutes_published: bool
    data_status: str


class ContributionOut(Schema):
    id: int
    process: str
    kind: str
    title: str
    body: str
    status: str
    answer: str
    zone: str | None
    supports: int
    submitted: dt.datetime
    data_status: str


class CommentOut(Schema):
    id: int
    target_kind: str
    target_id: int
    parent: int | None
    depth: int
    stance: str
    body: str
    organisation: str | None
    written: dt.datetime
    data_status: str


class DebateOut(Schema):
    code: str
    process: str
    phase: int | None
    title_it: str
    title_en: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    conclusions_it: str
    conclusions_en: str
    data_status: str


class CommentFilters(FilterSchema):
    target_kind: str | None = Field(None, pattern=one_of(Comment.Target.values))
    target_id: int | None = Field(None, ge=1, le=2**62)


class MeetingFilters(FilterSchema):
    process: str | None = None
    kind: str | None = Field(None, pattern=one_of(Meeting.Kind.values))
    zone: str | None = Field(None, description="code of a zona omogenea (ZO01...)")
    mission: str | None = Field(None, description="code of a Mission of the site's agenda")


class ContributionFilters(FilterSchema):
    process: str | None = None
    status: str | None = Field(None, pattern=one_of(Contribution.Status.values))
    zone: str | None = Field(None, description="code of a zona omogenea (ZO01...)")
    kind: str | None = Field(None, pattern=one_of(Contribution.Kind.values))
    node: str | None = Field(None, description='a tag: "framework:code" (e.g. a Mission)')


router = Router(tags=["participation"])


@router.get("/processes", response=list[ProcessOut], openapi_extra=ERRORS)
def process_list(request: HttpRequest) -> Any:
    return selectors.process_rows()


@router.get("/meetings", response=list[MeetingOut], openapi_extra=ERRORS)
@paginate(Page)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    return selectors.meeting_rows(**filters.model_dump())


@router.get("/contributions", response=list[ContributionOut], openapi_extra=ERRORS)
@paginate(Page)
def contribution_list(request: HttpRequest, filters: Query[ContributionFilters]) -> Any:
    """Public contributions (hidden ones are left out); authors are not published."""
    return selectors.contribution_rows(**filters.model_dump())


@router.get("/debates", response=list[DebateOut], openapi_extra=ERRORS)
@paginate(Page)
def debate_list(request: HttpRequest, process: str | None = None) -> Any:
    """Debates with their closing summaries."""
    return selectors.debate_rows(process=process)


@router.get("/comments", response=list[CommentOut], openapi_extra=ERRORS)
@paginate(Page)
def comment_list(request: HttpRequest, filters: Query[CommentFilters]) -> Any:
    """Visible comments (hidden ones are left out); authors are not published, the
    organisation is when a delegate wrote on its behalf."""
    return selectors.comment_rows(kind=filters.target_kind, target=filters.target_id)


class AnswerIn(Schema):
    status: Text = Field(description="received, evaluating, accepted, incorporated or rejected")
    answer: Text = Field(
        "", max_length=20000, description="Official answer (needed for a decision)"
    )


class AnswerOut(Schema):
    id: int
    status: str
    answer: str
    answered: dt.datetime | None


@router.post(
    "/contributions/{pk}/answer",
    response={200: AnswerOut, 401: dict[str, Any]},
    auth=TokenAuth("write-participation", "participation.change_contribution"),
    openapi_extra={"responses": token_errors("write-participation")},
)
def contribution_answer_create(request: HttpRequest, pk: int, payload: AnswerIn) -> Any:
    """Move a public contribution along the workflow with the official answer, as moderators
    do in the back office; audited under the token's user. A decision without an answer is
    refused (422, naming the field)."""
    from territori.participation.services import ParticipationError, contribution_answer

    contribution = get_object_or_404(Contribution.objects.filter(hidden_at__isnull=True), pk=pk)
    try:
        contribution_answer(
            contribution=contribution,
            status=payload.status,
            answer=payload.answer,
            actor=request.auth.user,  # type: ignore[attr-defined]
            channel="api",
        )
    except ParticipationError as exc:
        raise HttpError(422, f"{exc.field}: {exc}") from exc
    return {
        "id": contribution.pk,
        "status": contribution.status,
        "answer": contribution.answer,
        "answered": contribution.answered_at,
    }
