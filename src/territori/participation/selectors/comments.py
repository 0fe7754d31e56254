"""Reads of comments, debates and notifications: what a comment is about and whether it may
be commented, a thread ready to show, the moderators' queue, a person's notifications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from typing import Any as Account

from django.apps import apps
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.core.rows import RowList
from territori.frameworks.models import Node, pick_language

from ..models import (
    Comment,
    CommentReport,
    ConsentRecord,
    Contribution,
    Debate,
    Meeting,
    Notification,
    Report,
)
from .accounts import is_moderator


@dataclass(frozen=True)
class CommentTarget:
    """What a comment is about: its title and address, and why it cannot be commented now
    (empty when it can)."""

    kind: str
    pk: int
    title: str
    url: str
    closed: str = ""
    #: who is told of a new comment on it (the author of a contribution)
    owners: tuple[int, ...] = ()
    item: Any = None


class NoTarget(Exception):
    """No such item, or one that is not public (a hidden contribution, an unpublished
    report)."""


def _phase_closed(phase: Any) -> str:
    if phase is not None and not phase.comments_open:
        return _("Comments are closed in this phase of the process.")
    return ""


def _given(item: Any, model: Any, pk: int) -> Any:
    """The item a page already holds, when it is the one asked for (no query)."""
    return item if isinstance(item, model) and item.pk == pk else None


def comment_target(
    *, kind: str, pk: int, now: dt.datetime | None = None, item: Any = None
) -> CommentTarget:
    """The target `kind`/`pk` of a comment, or NoTarget. A page passes the `item` it shows
    (with its phase or framework loaded) to save the query."""
    now = now or timezone.now()
    if kind == Comment.Target.CONTRIBUTION:
        contribution = _given(item, Contribution, pk) or (
            Contribution.objects.select_related("phase").filter(pk=pk).first()
        )
        if contribution is None or contribution.is_hidden:
            raise NoTarget(kind)
        return CommentTarget(
            kind,
            pk,
            contribution.title,
            reverse("participation:contribution", kwargs={"pk": pk}),
            _phase_closed(contribution.phase),
            (contribution.author_id,) if contribution.author_id else (),
            contribution,
        )
    if kind == Comment.Target.MEETING:
        meeting = (
            _given(item, Meeting, pk)
            or Meeting.objects.select_related("phase").filter(pk=pk).first()
        )
        if meeting is None:
            raise NoTarget(kind)
        closed = _phase_closed(meeting.phase)
        if meeting.cancelled:
            closed = _("The meeting was cancelled.")
        elif not meeting.is_past(now):
            closed = _("Comments open once the meeting has taken place.")
        url = reverse("participation:meeting", kwargs={"code": meeting.code})
        return CommentTarget(kind, pk, meeting.title, url, closed, (), meeting)
    if kind == Comment.Target.DEBATE:
        debate = (
            _given(item, Debate, pk)
            or Debate.objects.select_related("phase", "process").filter(pk=pk).first()
        )
        if debate is None:
            raise NoTarget(kind)
        closed = _("The debate is closed.") if debate.is_closed else _phase_closed(debate.phase)
        url = reverse("participation:debate", kwargs={"code": debate.code})
        return CommentTarget(kind, pk, debate.title, url, closed, (), debate)
    if kind == Comment.Target.NODE:
        node = (
            _given(item, Node, pk) or Node.objects.select_related("framework").filter(pk=pk).first()
        )
        if node is None:
            raise NoTarget(kind)
        title = f"{node.framework.short_name or node.framework.code} {node.code} {node.title}"
        return CommentTarget(kind, pk, title, node.get_absolute_url(), "", (), node)
    if kind == Comment.Target.PROJECT:
        model = apps.get_model("atlas", "Project")
        project = _given(item, model, pk) or model.objects.filter(pk=pk).first()
        if project is None:
            raise NoTarget(kind)
        url = reverse("portal:atlas_project", kwargs={"code": project.code})
        return CommentTarget(kind, pk, project.title, url, "", (), project)
    if kind == Comment.Target.REPORT:
        model = apps.get_model("publication", "Report")
        report = _given(item, model, pk) or model.objects.filter(pk=pk).first()
        if report is None or not report.published:
            raise NoTarget(kind)
        title = pick_language(report.title_it, report.title_en)
        return CommentTarget(kind, pk, title, report.get_absolute_url(), "", (), report)
    raise NoTarget(kind)


@dataclass
class Thread:
    """The comments about one item, as shown: comments in order, each with its replies, and
    each reply with the deeper answers under it (folded on the page)."""

    comments: list[Comment] = field(default_factory=list)
    count: int = 0


def comment_thread(*, kind: str, pk: int, viewer: Account) -> Thread:
    """One query, whatever the size of the thread. A hidden comment keeps its place (its
    replies stay readable) but shows its text only to the moderators and its author."""
    rows = list(
        Comment.objects.filter(target_kind=kind, target_id=pk)
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    moderator = is_moderator(viewer)
    viewer_id = viewer.pk if viewer.is_authenticated else None
    by_id = {comment.pk: comment for comment in rows}
    thread = Thread()
    for comment in rows:
        comment.readable = not comment.is_hidden or moderator or comment.author_id == viewer_id
        comment.shown_replies = []
        comment.folded = []
        if not comment.is_hidden:
            thread.count += 1
        if comment.parent_id is None or comment.parent_id not in by_id:
            thread.comments.append(comment)
            continue
        parent = by_id[comment.parent_id]
        if comment.depth == 1:
            parent.shown_replies.append(comment)
        else:  # under the reply it descends from
            ancestor = parent
            while ancestor.depth > 1 and ancestor.parent_id in by_id:
                ancestor = by_id[ancestor.parent_id]
            ancestor.folded.append(comment)
    for comment in rows:
        parent_id = comment.parent_id
        comment.replying_to = by_id.get(parent_id) if parent_id and comment.depth > 1 else None
    return thread


def comment_counts(*, kind: str, pks: list[int]) -> dict[int, int]:
    """Visible comments of many items of one kind (one query)."""
    rows = (
        Comment.objects.filter(target_kind=kind, target_id__in=pks, hidden_at=None)
        .values("target_id")
        .annotate(n=Count("id"))
    )
    return {row["target_id"]: row["n"] for row in rows}


def comment_moderation_queue() -> dict[str, list[Any]]:
    """Comments with open reports (most reported first) and the hidden ones."""
    open_reports = Q(reports__outcome=Report.Outcome.OPEN)
    reported = list(
        Comment.objects.filter(open_reports)
        .annotate(open_reports=Count("reports", filter=open_reports))
        .prefetch_related(
            Prefetch("reports", queryset=CommentReport.objects.filter(outcome=Report.Outcome.OPEN))
        )
        .order_by("-open_reports", "created_at")
    )
    hidden = list(Comment.objects.filter(hidden_at__isnull=False).order_by("-hidden_at")[:200])
    return {"reported_comments": reported, "hidden_comments": hidden}


def debates_of(*, process: Any) -> list[Debate]:
    """A process's debates, each with its number of visible comments (two queries)."""
    debates = list(
        Debate.objects.filter(process=process).select_related("phase").order_by("-opened_at", "-id")
    )
    counts = comment_counts(kind=Comment.Target.DEBATE, pks=[d.pk for d in debates])
    for debate in debates:
        debate.n_comments = counts.get(debate.pk, 0)
    return debates


def debate_detail(code: str) -> Debate:
    return (
        Debate.objects.select_related("process", "phase", "moderator")
        .prefetch_related("nodes__framework")
        .get(code=code)
    )


def debate_sides(*, debate: Debate) -> dict[str, int]:
    """How many visible arguments for and against (replies included)."""
    rows = (
        Comment.objects.filter(
            target_kind=Comment.Target.DEBATE, target_id=debate.pk, hidden_at=None
        )
        .values("stance")
        .annotate(n=Count("id"))
    )
    counted = {row["stance"]: row["n"] for row in rows}
    return {
        "for": counted.get(Comment.Stance.FOR, 0),
        "against": counted.get(Comment.Stance.AGAINST, 0),
        "other": counted.get(Comment.Stance.NONE, 0),
    }


def notifications_of(*, user: Account, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(user=user).order_by("-created_at", "-id")[:limit])


def unread_notifications(*, user: Account) -> int:
    if not user.is_authenticated:
        return 0
    return int(Notification.objects.filter(user=user, read_at=None).count())


def has_comment_consent(*, user: Account) -> bool:
    """Whether this person agreed to the publication of their comments (and has not
    withdrawn it)."""
    return bool(
        user.is_authenticated
        and ConsentRecord.objects.filter(
            user=user, purpose=ConsentRecord.Purpose.COMMENT, withdrawn_at=None
        ).exists()
    )


def comment_rows(*, kind: str | None = None, target: int | None = None) -> RowList:
    """Visible comments as plain rows for the API: no author's name (as for contributions),
    the organisation when written on its behalf."""
    rows = Comment.objects.filter(hidden_at=None).order_by("created_at", "id")
    if kind:
        rows = rows.filter(target_kind=kind)
    if target is not None:
        rows = rows.filter(target_id=target)
    names = (
        "id",
        "target_kind",
        "target_id",
        "parent",
        "depth",
        "stance",
        "body",
        "organisation",
        "written",
        "data_status",
    )
    values = rows.values_list(
        "id",
        "target_kind",
        "target_id",
        "parent_id",
        "depth",
        "stance",
        "body",
        "organisation__code",
        "created_at",
        "data_status",
    )
    return RowList(values, names)


def debate_rows(*, process: str | None = None) -> RowList:
    rows = Debate.objects.order_by("opened_at", "id")
    if process:
        rows = rows.filter(process__code=process)
    names = (
        "code",
        "process",
        "phase",
        "title_it",
        "title_en",
        "opened_at",
        "closed_at",
        "conclusions_it",
        "conclusions_en",
        "data_status",
    )
    values = rows.values_list(
        "code",
        "process__code",
        "phase__position",
        "title_it",
        "title_en",
        "opened_at",
        "closed_at",
        "conclusions_it",
        "conclusions_en",
        "data_status",
    )
    return RowList(values, names)
