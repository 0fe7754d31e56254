"""What became of the contributions: each result with its own progress, and a process's
account of what it did with the contributions it received."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from territori.atlas.models import Project
from territori.core.models import DataStatus
from territori.core.rows import RowList

from ..models import Contribution, ContributionOutcome, Process


@dataclass(frozen=True)
class OutcomeView:
    outcome: ContributionOutcome
    kind_label: str
    title: str
    url: str
    status: str  # the result's own state, in words
    progress: int | None  # 0-100 where the result has a measure of progress
    illustrative: bool


def _project_status(project: Project) -> tuple[str, int | None]:
    progress = project.progress
    if progress is None and project.payments is not None and project.total_funding:
        progress = min(100, round(100 * float(project.payments) / float(project.total_funding)))
    return str(project.get_status_display()), progress


def outcome_views(*, contribution_ids: Iterable[int]) -> dict[int, list[OutcomeView]]:
    """The results of these contributions, by contribution. A node's progress is the share
    of the projects carrying it that are completed. Three queries, whatever the number."""
    outcomes = list(
        ContributionOutcome.objects.filter(contribution_id__in=list(contribution_ids))
        .select_related("node__framework", "project", "output__action__programme")
        .order_by("contribution_id", "created_at", "pk")
    )
    node_ids = {o.node_id for o in outcomes if o.node_id}
    carried: dict[int, dict[str, int]] = defaultdict(dict)
    if node_ids:
        for row in (
            Project.objects.filter(nodes__in=node_ids)
            .values("nodes", "status")
            .annotate(n=Count("pk", distinct=True))
        ):
            carried[row["nodes"]][row["status"]] = row["n"]
    found: dict[int, list[OutcomeView]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.node is not None:
            node = outcome.node
            counts = carried.get(node.pk, {})
            total = sum(counts.values())
            done = counts.get(Project.Status.COMPLETED, 0)
            status = (
                _("%(n)d projects carry it, %(done)d completed") % {"n": total, "done": done}
                if total
                else _("no project linked to it yet")
            )
            view = OutcomeView(
                outcome,
                f"{node.framework.short_name or node.framework.code} · {node.level}",
                f"{node.code} {node.title}",
                node.get_absolute_url(),
                status,
                round(100 * done / total) if total else None,
                False,
            )
        elif outcome.project is not None:
            project = outcome.project
            status, progress = _project_status(project)
            view = OutcomeView(
                outcome,
                _("project"),
                project.title,
                reverse("portal:atlas_project", kwargs={"code": project.code}),
                status,
                progress,
                project.data_status == DataStatus.ILLUSTRATIVE,
            )
        else:
            output = outcome.output
            assert output is not None
            programme = output.action.programme
            view = OutcomeView(
                outcome,
                _("output of the programme"),
                f"{output.action.code} · {output.title}",
                reverse("portal:programme", kwargs={"code": programme.code})
                + f"#output-{output.pk}",
                str(output.get_status_display()) + (f" ({output.due:%m/%Y})" if output.due else ""),
                100 if output.status == output.Status.DONE else None,
                False,
            )
        found[outcome.contribution_id].append(view)
    return found


@dataclass
class ProcessAccount:
    """A process's account of its contributions: how many, how each was answered, how long
    the answers took, and what the accepted ones led to."""

    process: Process
    received: int = 0
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    answered: int = 0
    median_days: float | None = None
    taken_up: list[tuple[Contribution, list[OutcomeView]]] = field(default_factory=list)
    with_result: int = 0
    not_taken_up: list[Contribution] = field(default_factory=list)


def process_account(*, process: Process) -> ProcessAccount:
    """The "what we did with your contributions" page. Hidden contributions are counted
    (as received) but not listed."""
    account = ProcessAccount(process=process)
    visible = Contribution.objects.filter(process=process, hidden_at=None)
    counts = dict(
        Contribution.objects.filter(process=process)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    account.received = sum(counts.values())
    account.by_status = [
        (value, str(label), counts.get(value, 0)) for value, label in Contribution.Status.choices
    ]
    answered = [
        (sent, done)
        for sent, done in visible.values_list("created_at", "answered_at")
        if done is not None
    ]
    account.answered = len(answered)
    if answered:
        account.median_days = statistics.median(
            max(0.0, (done - sent).total_seconds() / 86400) for sent, done in answered
        )
    taken_up = list(
        visible.filter(status__in=(Contribution.Status.ACCEPTED, Contribution.Status.INCORPORATED))
        .select_related("organisation")
        .order_by("-answered_at", "-pk")
    )
    views = outcome_views(contribution_ids=[c.pk for c in taken_up])
    account.taken_up = [(c, views.get(c.pk, [])) for c in taken_up]
    account.with_result = sum(1 for _c, v in account.taken_up if v)
    account.not_taken_up = list(
        visible.filter(status=Contribution.Status.REJECTED)
        .select_related("organisation")
        .order_by("-answered_at", "-pk")
    )
    return account


def _outcome_kind(row: dict[str, object]) -> dict[str, object]:
    row["kind"] = (
        ContributionOutcome.Kind.NODE
        if row["node"]
        else ContributionOutcome.Kind.PROJECT
        if row["project"]
        else ContributionOutcome.Kind.OUTPUT
    )
    if row["node"]:
        row["node"] = f"{row.pop('framework')}:{row['node']}"
    else:
        row.pop("framework")
    return row


def outcome_rows(*, process: str | None = None) -> RowList:
    """What the visible contributions led to, as plain rows for the API."""
    rows = ContributionOutcome.objects.filter(contribution__hidden_at=None).order_by(
        "created_at", "id"
    )
    if process:
        rows = rows.filter(contribution__process__code=process)
    names = (
        "contribution",
        "process",
        "framework",
        "node",
        "project",
        "output",
        "note_it",
        "note_en",
        "linked",
        "data_status",
    )
    values = rows.values_list(
        "contribution_id",
        "contribution__process__code",
        "node__framework__code",
        "node__code",
        "project__code",
        "output_id",
        "note_it",
        "note_en",
        "created_at",
        "contribution__data_status",
    )
    return RowList(values, names, post=_outcome_kind)
