"""Reads for the participation pages: lists with their filters and counts, permissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from territori.analytics.similarity import most_similar
from territori.core.rows import Row, RowList
from territori.frameworks.models import FrameworkRole, Node
from territori.territories.models import Territory

from .models import (
    Body,
    BodyMember,
    ConsentRecord,
    Contribution,
    Meeting,
    NewsletterIssue,
    Process,
    ProcessPhase,
    Questionnaire,
    Registration,
    Report,
    Subscriber,
    Support,
)


def is_verified_participant(*, user: Account) -> bool:
    """A participant whose email address is confirmed (or staff): who may contribute and
    support."""
    if not user.is_authenticated:
        return False
    participant = getattr(user, "participant", None)
    return bool(participant and participant.verified) or bool(getattr(user, "is_staff", False))


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


def is_moderator(user: Account) -> bool:
    return bool(user.is_authenticated and user.has_perm("participation.change_contribution"))


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


@dataclass
class ContributionFilters:
    process: str = ""
    phase: str = ""
    node: str = ""
    zone: str = ""
    status: str = ""
    kind: str = ""
    q: str = ""
    order: str = "recent"

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ContributionFilters:
        return cls(
            process=query.get("processo", ""),
            phase=query.get("fase", ""),
            node=query.get("tema", ""),
            zone=query.get("zona", ""),
            status=query.get("stato", ""),
            kind=query.get("tipo", ""),
            q=query.get("q", "").strip()[:100],
            order=query.get("ordine", "recent"),
        )


@dataclass
class ContributionListing:
    contributions: QuerySet[Contribution]
    total: int
    by_phase: list[tuple[Any, int]] = field(default_factory=list)
    by_node: list[tuple[Node, int]] = field(default_factory=list)
    by_zone: list[tuple[Territory, int]] = field(default_factory=list)
    by_status: list[tuple[str, str, int]] = field(default_factory=list)


def contribution_listing(filters: ContributionFilters) -> ContributionListing:
    """Public (not hidden) contributions matching the filters, with counts for each facet."""
    base = Contribution.objects.filter(hidden_at__isnull=True)
    if filters.process:
        base = base.filter(process__code=filters.process)
    if filters.phase.isdigit():
        base = base.filter(phase__position=int(filters.phase))
    if filters.node:
        framework, _sep, code = filters.node.partition(":")
        base = base.filter(nodes__framework__code=framework, nodes__code=code)
    if filters.zone:
        base = base.filter(zone__code=filters.zone)
    if filters.kind in Contribution.Kind.values:
        base = base.filter(kind=filters.kind)
    if filters.q:
        base = base.filter(Q(title__icontains=filters.q) | Q(body__icontains=filters.q))
    counted = base
    if filters.status in Contribution.Status.values:
        base = base.filter(status=filters.status)
    ids = base.values("id")
    ordering = (
        ["-support_count", "-created_at"]
        if filters.order == "supported"
        else ["-created_at", "-id"]
    )
    contributions = (
        Contribution.objects.filter(id__in=ids)
        .select_related("process", "phase", "zone")
        .prefetch_related("nodes__framework")
        .annotate(attachment_count=Count("attachments"))
        .order_by(*ordering)
    )
    listing = ContributionListing(contributions=contributions, total=base.count())
    phase_rows = (
        Contribution.objects.filter(id__in=ids)
        .values("phase__position", "phase__title_it", "phase__title_en")
        .annotate(n=Count("id"))
        .order_by("phase__position")
    )
    listing.by_phase = [(row, row["n"]) for row in phase_rows]
    node_counts = dict(
        Contribution.objects.filter(id__in=ids).values_list("nodes").annotate(n=Count("id"))
    )
    nodes = Node.objects.filter(pk__in=[k for k in node_counts if k]).select_related("framework")
    listing.by_node = sorted(
        ((n, node_counts[n.pk]) for n in nodes),
        key=lambda pair: (pair[0].framework.order, pair[0].order, pair[0].code),
    )
    zone_counts = dict(
        Contribution.objects.filter(id__in=ids, zone__isnull=False)
        .values_list("zone")
        .annotate(n=Count("id"))
    )
    zones = Territory.objects.filter(pk__in=list(zone_counts)).order_by("number")
    listing.by_zone = [(z, zone_counts[z.pk]) for z in zones]
    status_counts = dict(counted.values_list("status").annotate(n=Count("id")))
    listing.by_status = [
        (value, str(label), status_counts.get(value, 0))
        for value, label in Contribution.Status.choices
    ]
    return listing


def contribution_detail(pk: int) -> Contribution:
    return (
        Contribution.objects.select_related("process", "phase", "zone", "meeting")
        .prefetch_related("nodes__framework", "attachments")
        .get(pk=pk)
    )


def moderation_queue() -> dict[str, Any]:
    reported = (
        Contribution.objects.filter(reports__outcome=Report.Outcome.OPEN)
        .annotate(open_reports=Count("reports", filter=Q(reports__outcome=Report.Outcome.OPEN)))
        .select_related("process")
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.filter(outcome=Report.Outcome.OPEN))
        )
        .order_by("-open_reports", "created_at")
    )
    to_answer = (
        Contribution.objects.filter(
            status__in=[Contribution.Status.RECEIVED, Contribution.Status.EVALUATING],
            hidden_at__isnull=True,
        )
        .select_related("process")
        .order_by("created_at")
    )
    hidden = Contribution.objects.filter(hidden_at__isnull=False).select_related("process")
    return {"reported": reported, "to_answer": to_answer, "hidden": hidden}


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


# --- Plain rows for the API (public data only: no authors, no hidden contributions) ----------


def process_rows() -> list[Row]:
    rows = Process.objects.order_by("code").values(
        "code", "title_it", "title_en", "status", "data_status"
    )
    return [dict(row) for row in rows]


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


def contribution_rows(*, process: str | None = None, status: str | None = None) -> RowList:
    """Public contributions, newest first; their authors are never in the rows."""
    rows = Contribution.objects.filter(hidden_at__isnull=True).order_by("-created_at", "-id")
    if process:
        rows = rows.filter(process__code=process)
    if status:
        rows = rows.filter(status=status)
    names = (
        "id",
        "process",
        "kind",
        "title",
        "body",
        "status",
        "answer",
        "zone",
        "supports",
        "submitted",
        "data_status",
    )
    values = rows.values_list(
        "id",
        "process__code",
        "kind",
        "title",
        "body",
        "status",
        "answer",
        "zone__code",
        "support_count",
        "created_at",
        "data_status",
    )
    return RowList(values, names)


def similar_contributions(
    text: str, *, process: Process | None = None, limit: int = 5
) -> list[tuple[Contribution, float]]:
    """Public contributions that share the most distinctive words with `text` (tf-idf weights;
    the title counts twice). Reads at most the 5,000 newest of the process."""
    candidates = Contribution.objects.filter(hidden_at__isnull=True)
    if process is not None:
        candidates = candidates.filter(process=process)
    rows = {
        row.pk: row
        for row in candidates.only("id", "title", "body", "status", "process_id").order_by("-id")[
            :5000
        ]
    }
    documents = [(pk, f"{row.title} {row.title} {row.body}") for pk, row in rows.items()]
    return [(rows[int(str(pk))], score) for pk, score in most_similar(text, documents, limit=limit)]


# --- Reads of the public pages ---------------------------------------------------------------


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


def has_supported(*, contribution: Contribution, user: Account) -> bool:
    return bool(
        user.is_authenticated
        and Support.objects.filter(contribution=contribution, user=user).exists()
    )


def sent_issues() -> list[NewsletterIssue]:
    return list(NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT))


@dataclass
class AccountPage:
    """What the account page shows a person of their own data."""

    contributions: list[Contribution]
    registrations: list[Registration]
    consents: list[ConsentRecord]
    subscriber: Subscriber | None


def account_page(*, user: Account) -> AccountPage:
    return AccountPage(
        contributions=list(
            Contribution.objects.filter(author=user)
            .select_related("process")
            .order_by("-created_at")
        ),
        registrations=list(
            Registration.objects.filter(user=user)
            .select_related("meeting")
            .order_by("-meeting__starts_at")
        ),
        consents=list(ConsentRecord.objects.filter(user=user).order_by("-given_at")),
        subscriber=Subscriber.objects.filter(email=user.email).first(),
    )


def meeting_registrations(*, meeting: Meeting) -> QuerySet[Registration]:
    """A meeting's registrations with their participants (staff export)."""
    return Registration.objects.filter(meeting=meeting).select_related("user__participant")
