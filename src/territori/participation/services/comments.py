"""Comments and debates: writing, replying, reporting, moderating, closing a debate; and the
notifications they send to the people concerned."""

from __future__ import annotations

import datetime as dt
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.atlas.models import Organisation
from territori.core.audit import audit_record, snapshot
from territori.core.models import DataStatus

from ..models import (
    Comment,
    CommentReport,
    ConsentRecord,
    Debate,
    Notification,
    Report,
)
from ..selectors import is_verified_participant
from ..selectors.comments import CommentTarget, NoTarget, comment_target
from .common import ParticipationError, consent_record, public_name, visibility_set
from .delegations import delegate_check
from .follows import notify

#: The longest comment, in characters (a comment is not a contribution).
MAX_COMMENT = 3000
#: How deep replies can go; a reply to the deepest is attached to its parent.
MAX_DEPTH = 6


def _clean_text(text: str) -> str:
    """Plain text: no control characters but line breaks and tabs, trimmed; shown escaped
    with its line breaks, so no markup ever reaches the page."""
    kept = "".join(ch for ch in text if ch in "\n\t" or (ch >= " " and ch != "\x7f"))
    return kept.replace("\r\n", "\n").strip()


def comment_post(
    *,
    user: Account,
    kind: str,
    pk: int,
    body: str,
    parent: Comment | None = None,
    stance: str = "",
    organisation: Organisation | None = None,
    consent: bool = False,
    now: dt.datetime | None = None,
    data_status: str = DataStatus.CONFIRMED,
) -> Comment:
    """A verified participant's comment on an item open to comments (or a reply to one of
    its comments). The first comment asks for the publication consent; it is recorded once.
    The author of what is commented (or replied to) is notified."""
    now = now or timezone.now()
    if not is_verified_participant(user=user):
        raise ParticipationError(_("Confirm your email address before commenting."))
    delegate_check(user=user, organisation=organisation)
    try:
        target = comment_target(kind=kind, pk=pk, now=now)
    except NoTarget as exc:
        raise ParticipationError(_("There is nothing to comment here.")) from exc
    if target.closed:
        raise ParticipationError(target.closed)
    text = _clean_text(body)
    if not text:
        raise ParticipationError(_("The text is required."), "body")
    if len(text) > MAX_COMMENT:
        raise ParticipationError(
            _("A comment has at most %(n)s characters (this one has %(m)s).")
            % {"n": MAX_COMMENT, "m": len(text)},
            "body",
        )
    if stance not in Comment.Stance.values:
        raise ParticipationError(_("Unknown kind of comment."), "stance")
    if stance and kind != Comment.Target.DEBATE:
        raise ParticipationError(_("Arguments for and against belong to debates."), "stance")
    if parent is not None:
        if (parent.target_kind, parent.target_id) != (kind, pk):
            raise ParticipationError(_("The reply is not about the same item."))
        if parent.is_hidden:
            raise ParticipationError(_("This comment is hidden: it cannot be answered."))
    agreed = ConsentRecord.objects.filter(
        user=user, purpose=ConsentRecord.Purpose.COMMENT, withdrawn_at=None
    ).exists()
    if not agreed and not consent:
        raise ParticipationError(
            _("Agree to the publication of your comments to send the first one."), "consent"
        )
    depth = 0 if parent is None else min(parent.depth + 1, MAX_DEPTH)
    if parent is not None and parent.depth + 1 > MAX_DEPTH:
        parent = parent.parent
    with transaction.atomic():
        comment = Comment.objects.create(
            target_kind=kind,
            target_id=pk,
            parent=parent,
            depth=depth,
            author=user,
            author_name=public_name(user=user),
            organisation=organisation,
            body=text,
            stance=stance,
            created_at=now,
            data_status=data_status,
        )
        if not agreed:
            consent_record(purpose=ConsentRecord.Purpose.COMMENT, user=user)
        _notify_about(comment=comment, target=target, now=now)
    return comment


def _notify_about(*, comment: Comment, target: CommentTarget, now: dt.datetime) -> None:
    """The author replied to, the owners of the item (a contribution's author) and the item's
    followers are told; never the comment's own author."""
    direct = dict.fromkeys(target.owners, Notification.Kind.COMMENT)
    if comment.parent is not None and comment.parent.author_id:
        direct[comment.parent.author_id] = Notification.Kind.REPLY
    notify(
        kind=Notification.Kind.COMMENT,
        title=target.title,
        url=f"{target.url}#commento-{comment.pk}",
        targets=[(target.kind, target.pk)],
        direct=direct,
        exclude=[comment.author_id] if comment.author_id else [],
    )


def comment_report(
    *, comment: Comment, user: Account, reason: str, details: str = ""
) -> CommentReport:
    if reason not in Report.Reason.values:
        raise ParticipationError(_("Choose a reason."), "reason")
    if comment.is_hidden:
        raise ParticipationError(_("This comment is already hidden."))
    try:
        with transaction.atomic():
            return CommentReport.objects.create(
                comment=comment, user=user, reason=reason, details=details.strip()[:500]
            )
    except IntegrityError as exc:
        raise ParticipationError(_("You have already reported this comment.")) from exc


@transaction.atomic
def comment_hide(*, comment: Comment, reason: str, actor: Account) -> None:
    if not reason.strip():
        raise ParticipationError(_("Say why the comment is hidden."), "reason")
    visibility_set(item=comment, reason=reason, actor=actor)


@transaction.atomic
def comment_restore(*, comment: Comment, actor: Account) -> None:
    """Show again (or keep visible): open reports are closed as 'kept'."""
    visibility_set(item=comment, reason=None, actor=actor)


@transaction.atomic
def debate_close(
    *, debate: Debate, conclusions_it: str, conclusions_en: str = "", actor: Account
) -> Debate:
    """Close a debate with the moderator's summary; everyone who took part is told."""
    if debate.is_closed:
        raise ParticipationError(_("The debate is already closed."))
    summary = _clean_text(conclusions_it)
    if not summary:
        raise ParticipationError(_("Write the closing summary."), "conclusions_it")
    before = snapshot(debate)
    debate.closed_at = timezone.now()
    debate.conclusions_it = summary
    debate.conclusions_en = _clean_text(conclusions_en)
    debate.moderator = actor
    debate.save(update_fields=["closed_at", "conclusions_it", "conclusions_en", "moderator"])
    audit_record(instance=debate, action="update", actor=actor, channel="moderation", before=before)
    target = comment_target(kind=Comment.Target.DEBATE, pk=debate.pk)
    took_part = set(
        Comment.objects.filter(target_kind=Comment.Target.DEBATE, target_id=debate.pk)
        .exclude(author=None)
        .values_list("author_id", flat=True)
    )
    notify(
        kind=Notification.Kind.DEBATE,
        title=target.title,
        url=target.url,
        targets=[(Comment.Target.DEBATE, debate.pk)],
        direct=dict.fromkeys(took_part, Notification.Kind.DEBATE),
        exclude=[actor.pk] if getattr(actor, "pk", None) else [],
    )
    return debate


def notifications_mark_read(*, user: Account) -> int:
    return int(Notification.objects.filter(user=user, read_at=None).update(read_at=timezone.now()))
