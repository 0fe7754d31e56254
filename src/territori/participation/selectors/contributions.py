"""Contributions: the filtered listing, a contribution, the moderation queue, similar contributions, supports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db.models import Count, Prefetch, Q, QuerySet

from territori.analytics.similarity import most_similar
from territori.core.rows import RowList
from territori.frameworks.models import Node
from territori.territories.models import Territory

from ..models import (
    Contribution,
    Process,
    Report,
    Support,
)


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


def public_contributions(
    filters: ContributionFilters, *, by_status: bool = True
) -> QuerySet[Contribution]:
    """Public (not hidden) contributions matching the filters (the status too unless
    `by_status` is false); the page and the API filter through here."""
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
    if by_status and filters.status in Contribution.Status.values:
        base = base.filter(status=filters.status)
    return base


def zone_contributions(*, zone_ids: list[int], shown: int = 5) -> tuple[list[Contribution], int]:
    """The latest public contributions tagged to these zone (`shown` of them) and their
    number."""
    here = Contribution.objects.filter(hidden_at__isnull=True, zone_id__in=zone_ids)
    latest = list(here.select_related("process", "zone").order_by("-created_at")[:shown])
    return latest, here.count()


def node_contributions(*, node_ids: list[int], shown: int = 5) -> tuple[list[Contribution], int]:
    """The latest public contributions tagged to these nodes (`shown` of them, with their
    official answers) and their number."""
    tagged = Contribution.objects.filter(hidden_at__isnull=True, nodes__in=node_ids).distinct()
    latest = list(tagged.select_related("process").order_by("-created_at")[:shown])
    return latest, tagged.count()


def contribution_listing(filters: ContributionFilters) -> ContributionListing:
    """Public (not hidden) contributions matching the filters, with counts for each facet."""
    counted = public_contributions(filters, by_status=False)
    base = public_contributions(filters)
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
        Contribution.objects.select_related("process", "phase", "zone", "meeting", "organisation")
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


def contribution_rows(
    *,
    process: str | None = None,
    status: str | None = None,
    zone: str | None = None,
    kind: str | None = None,
    node: str | None = None,
) -> RowList:
    """The public contributions the page lists for the same filters, newest first, as plain
    rows; their authors are never in the rows."""
    filters = ContributionFilters(
        process=process or "",
        status=status or "",
        zone=zone or "",
        kind=kind or "",
        node=node or "",
    )
    # by id, so that a contribution with two matching tags is one row
    matching = public_contributions(filters).values("id")
    rows = Contribution.objects.filter(id__in=matching).order_by("-created_at", "-id")
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


def has_supported(*, contribution: Contribution, user: Account) -> bool:
    return bool(
        user.is_authenticated
        and Support.objects.filter(contribution=contribution, user=user).exists()
    )
