"""Meetings: the filtered list, a meeting's page, registrations and their counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db.models import Count, Prefetch, QuerySet

from territori.core.rows import RowList
from territori.frameworks.models import FrameworkRole

from ..models import (
    Contribution,
    Meeting,
    Registration,
)


def meeting_list(filters: Mapping[str, str]) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("process", "body", "zone", "comune").order_by(
        "starts_at"
    )
    if filters.get("tipo") in Meeting.Kind.values:
        meetings = meetings.filter(kind=filters["tipo"])
    if filters.get("processo"):
        meetings = meetings.filter(process__code=filters["processo"])
    if filters.get("zona"):
        meetings = meetings.filter(zone__code=filters["zona"])
    if filters.get("missione"):
        meetings = meetings.filter(
            nodes__framework__role=FrameworkRole.AGENDA, nodes__code=filters["missione"]
        ).distinct()
    return meetings


def meeting_detail(code: str) -> Meeting:
    return (
        Meeting.objects.select_related("process", "phase", "body", "zone", "comune")
        .prefetch_related(
            "agenda",
            "nodes__framework",
            "attending_organisations",
            Prefetch("documents", to_attr="all_documents"),
            Prefetch(
                "contributions",
                queryset=Contribution.objects.filter(hidden_at__isnull=True),
                to_attr="public_contributions",
            ),
        )
        .get(code=code)
    )


def registration_counts(meeting: Meeting) -> dict[str, int]:
    rows = Registration.objects.filter(meeting=meeting).values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(Registration.Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    counts["checked_in"] = Registration.objects.filter(
        meeting=meeting, checked_in_at__isnull=False
    ).count()
    return counts


def registration_of(*, meeting: Meeting, user: Account) -> Registration | None:
    """The user's registration to a meeting, if any."""
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(meeting=meeting, user=user).first()


def is_registered(*, meeting: Meeting, user: Account) -> bool:
    """A confirmed registration (who may open the meeting's private documents)."""
    return bool(
        user.is_authenticated
        and Registration.objects.filter(
            meeting=meeting, user=user, status=Registration.Status.CONFIRMED
        ).exists()
    )


def meeting_registrations(*, meeting: Meeting) -> QuerySet[Registration]:
    """A meeting's registrations with their participants (staff export)."""
    return Registration.objects.filter(meeting=meeting).select_related("user__participant")


def meeting_rows(*, process: str | None = None, kind: str | None = None) -> RowList:
    rows = Meeting.objects.order_by("starts_at", "code")
    if process:
        rows = rows.filter(process__code=process)
    if kind:
        rows = rows.filter(kind=kind)
    names = (
        "code",
        "kind",
        "title_it",
        "title_en",
        "process",
        "starts_at",
        "ends_at",
        "time_known",
        "place_name",
        "comune",
        "zone",
        "online_url",
        "cancelled",
        "minutes_published",
        "data_status",
    )
    values = rows.values_list(
        "code",
        "kind",
        "title_it",
        "title_en",
        "process__code",
        "starts_at",
        "ends_at",
        "time_known",
        "place_name",
        "comune__code",
        "zone__code",
        "online_url",
        "cancelled",
        "minutes_published_at",
        "data_status",
    )
    return RowList(
        values,
        names,
        post=lambda item: {**item, "minutes_published": item["minutes_published"] is not None},
    )
