"""Meetings: the filtered list, a meeting's page, registrations and their counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db.models import Count, Prefetch, Q, QuerySet

from territori.core.rows import RowList
from territori.frameworks.models import FrameworkRole

from ..models import (
    Contribution,
    Meeting,
    Registration,
)


def meetings_filtered(
    *,
    kind: str | None = None,
    process: str | None = None,
    zone: str | None = None,
    mission: str | None = None,
) -> QuerySet[Meeting]:
    """Meetings of a type, of a process, in a zona, about a Mission of the site's agenda; the
    page and the API filter through here. An unknown type matches every meeting, as no filter."""
    meetings = Meeting.objects.all()
    if kind in Meeting.Kind.values:
        meetings = meetings.filter(kind=kind)
    if process:
        meetings = meetings.filter(process__code=process)
    if zone:
        meetings = meetings.filter(zone__code=zone)
    if mission:
        meetings = meetings.filter(
            nodes__framework__role=FrameworkRole.AGENDA, nodes__code=mission
        ).distinct()
    return meetings


def meetings_near(
    *, comune_ids: list[int], zone_ids: list[int], now: dt.datetime, shown: int = 5
) -> tuple[list[Meeting], int]:
    """The next meetings held in these comuni or about these zone (the soonest `shown`), and
    how many were held there before `now`."""
    here = Meeting.objects.filter(Q(comune_id__in=comune_ids) | Q(zone_id__in=zone_ids))
    upcoming = list(
        here.filter(ends_at__gte=now).select_related("comune", "zone").order_by("starts_at")[:shown]
    )
    return upcoming, here.filter(ends_at__lt=now).count()


def upcoming_meetings(*, now: dt.datetime, shown: int = 3) -> list[Meeting]:
    """The next meetings (not cancelled), soonest first."""
    return list(
        Meeting.objects.filter(ends_at__gte=now, cancelled=False)
        .select_related("comune")
        .order_by("starts_at")[:shown]
    )


def meetings_about(
    *, node_ids: list[int], now: dt.datetime, shown: int = 3
) -> tuple[list[Meeting], list[Meeting]]:
    """The next and the latest past meetings (`shown` of each) about these nodes (a Mission,
    or a strategy and the nodes under it)."""
    about = Meeting.objects.filter(nodes__in=node_ids).distinct().select_related("comune")
    upcoming = list(about.filter(ends_at__gte=now).order_by("starts_at")[:shown])
    past = list(about.filter(ends_at__lt=now).order_by("-starts_at")[:shown])
    return upcoming, past


def meeting_list(
    *,
    kind: str | None = None,
    process: str | None = None,
    zone: str | None = None,
    mission: str | None = None,
) -> QuerySet[Meeting]:
    """The meetings page: filtered meetings by start, with what the page shows of each."""
    meetings = meetings_filtered(kind=kind, process=process, zone=zone, mission=mission)
    return meetings.select_related("process", "body", "zone", "comune").order_by("starts_at")


def meeting_filters(query: Mapping[str, str]) -> dict[str, str]:
    """The page's query parameters (tipo, processo, zona, missione) as selector filters."""
    names = {"tipo": "kind", "processo": "process", "zona": "zone", "missione": "mission"}
    return {name: query.get(param, "")[:60] for param, name in names.items()}


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


def meeting_rows(
    *,
    process: str | None = None,
    kind: str | None = None,
    zone: str | None = None,
    mission: str | None = None,
) -> RowList:
    """The same meetings as the page's filters give, as plain rows."""
    rows = meetings_filtered(kind=kind, process=process, zone=zone, mission=mission).order_by(
        "starts_at", "code"
    )
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
