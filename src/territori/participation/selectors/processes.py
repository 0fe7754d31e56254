"""Processes, their phases and standing bodies; participation's home page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from territori.core.rows import Row

from ..models import (
    Body,
    BodyMember,
    Meeting,
    Process,
    ProcessPhase,
    Questionnaire,
)


def current_phase(*, process: Process, today: dt.date | None = None) -> ProcessPhase | None:
    today = today or timezone.localdate()
    for phase in process.phases.all():
        if phase.is_current(today):
            return phase
    return None


def contributions_open(*, process: Process, today: dt.date | None = None) -> ProcessPhase | None:
    """The current phase when it accepts online contributions, else None."""
    if process.status != Process.Status.OPEN:
        return None
    phase = current_phase(process=process, today=today)
    return phase if phase is not None and phase.contributions_open else None


def is_body_member(user: Account, body: Body) -> bool:
    """Delegates of a member organisation, and staff who manage bodies."""
    if not user.is_authenticated:
        return False
    if user.has_perm("participation.change_body"):
        return True
    return BodyMember.objects.filter(body=body, delegates=user).exists()


def process_list() -> QuerySet[Process]:
    return Process.objects.prefetch_related("phases").annotate(
        contribution_count=Count("contributions", filter=Q(contributions__hidden_at__isnull=True))
    )


def body_detail(code: str) -> Body:
    return (
        Body.objects.select_related("process")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=BodyMember.objects.select_related("organisation").order_by(
                    "role", "organisation__name"
                ),
            ),
            "nodes__framework",
        )
        .get(code=code)
    )


@dataclass
class ParticipationHome:
    processes: list[Process]
    bodies: list[Body]
    upcoming: list[Meeting]
    recent: list[Meeting]
    questionnaires: list[Questionnaire]


def participation_home(*, now: dt.datetime, shown: int = 6) -> ParticipationHome:
    """Processes, bodies, the next and the last meetings, the newest questionnaires (5 queries)."""
    return ParticipationHome(
        processes=list(process_list()),
        bodies=list(Body.objects.all()),
        upcoming=list(
            Meeting.objects.filter(ends_at__gte=now)
            .select_related("zone", "comune")
            .order_by("starts_at")[:shown]
        ),
        recent=list(
            Meeting.objects.filter(ends_at__lt=now)
            .select_related("zone")
            .order_by("-starts_at")[:shown]
        ),
        questionnaires=list(Questionnaire.objects.order_by("-opens_at")[:5]),
    )


def process_choices() -> list[Process]:
    """Every process, for the filters of the lists."""
    return list(Process.objects.all())


def process_page(*, code: str) -> Process:
    return Process.objects.prefetch_related("phases", "nodes__framework", "zones").get(code=code)


def process_rows() -> list[Row]:
    rows = Process.objects.order_by("code").values(
        "code", "title_it", "title_en", "status", "data_status"
    )
    return [dict(row) for row in rows]
