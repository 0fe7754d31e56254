"""/api/v1/participation: processes, meetings, public contributions and comments (never their
authors), debates, what the contributions led to, prioritisations and their results, and
official answers written with a token."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from territori.api.auth import TokenAuth
from territori.participation import selectors
from territori.participation.models import Comment, Contribution, Meeting, Prioritisation
from territori.participation.selectors.outcomes import outcome_rows
from territori.participation.selectors.priorities import (
    prioritisation_results,
    prioritisation_rows,
    results_visible,
)

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


class OutcomeOut(Schema):
    contribution: int
    process: str
    kind: str
    node: str | None
    project: str | None
    output: int | None
    note_it: str
    note_en: str
    linked: dt.datetime
    data_status: str


class PrioritisationOut(Schema):
    code: str
    process: str
    phase: int
    title_it: str
    title_en: str
    method: str
    points: int
    ranked: int
    ask_feasibility: bool
    opens_at: dt.datetime
    closes_at: dt.datetime
    data_status: str


class OptionResultOut(Schema):
    rank: int
    position: int
    title_it: str
    title_en: str
    contribution: int | None
    score: int
    share: float | None
    supporters: int
    feasibility: float | None
    ratings: int
    high_priority: bool
    feasible: bool | None


class PrioritisationResultsOut(Schema):
    code: str
    method: str
    ballots: int
    organisations: int
    total: int
    median_score: float | None
    data_status: str
    options: list[OptionResultOut]


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


@router.get("/outcomes", response=list[OutcomeOut], openapi_extra=ERRORS)
@paginate(Page)
def outcome_list(request: HttpRequest, process: str | None = None) -> Any:
    """What the visible contributions taken up led to: a node (FRAMEWORK:CODE), a project
    (its code) or an output of the programme (its number)."""
    return outcome_rows(process=process)


@router.get("/prioritisations", response=list[PrioritisationOut], openapi_extra=ERRORS)
@paginate(Page)
def prioritisation_list(request: HttpRequest, process: str | None = None) -> Any:
    return prioritisation_rows(process=process)


@router.get(
    "/prioritisations/{code}/results",
    response=PrioritisationResultsOut,
    openapi_extra=ERRORS,
)
def prioritisation_result(request: HttpRequest, code: str) -> Any:
    """Each option's score, share, mean feasibility and group (see the page for the
    method); 403 while the results are not public."""
    prioritisation = Prioritisation.objects.filter(code=code).first()
    if prioritisation is None:
        raise HttpError(404, "No prioritisation with this code.")
    if not results_visible(prioritisation=prioritisation, user=request.user):
        raise HttpError(403, "The results are published when the prioritisation closes.")
    results = prioritisation_results(prioritisation=prioritisation)
    return {
        "code": prioritisation.code,
        "method": prioritisation.method,
        "ballots": results.ballots,
        "organisations": results.organisations,
        "total": results.total,
        "median_score": results.median_score,
        "data_status": prioritisation.data_status,
        "options": [
            {
                "rank": r.rank,
                "position": r.option.position,
                "title_it": r.option.title_it,
                "title_en": r.option.title_en,
                "contribution": r.option.contribution_id,
                "score": r.score,
                "share": r.share,
                "supporters": r.supporters,
                "feasibility": r.feasibility,
                "ratings": r.ratings,
                "high_priority": r.high_priority,
                "feasible": r.feasible,
            }
            for r in results.options
        ],
    }


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
