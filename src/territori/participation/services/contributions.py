"""Contributions: submission with attachments, answers, supports, reports, moderation."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.atlas.models import Organisation
from territori.core.audit import audit_record, snapshot
from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.io.uploads import (
    DOCUMENT_KINDS,
    MAX_DOCUMENT_BYTES,
    check_document,
    sniff_document,
)
from territori.territories.models import Territory

from ..models import (
    ConsentRecord,
    Contribution,
    ContributionAttachment,
    Follow,
    Notification,
    Process,
    Report,
    Support,
)
from ..selectors import contributions_open, is_verified_participant
from .common import ParticipationError, consent_record, public_name, visibility_set
from .delegations import delegate_check
from .follows import notify

MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def check_uploads(
    *, files: Sequence[Upload], field: str = "attachments"
) -> list[tuple[Upload, str]]:
    """(upload, media type) for each file, or ParticipationError naming the first bad one."""
    if len(files) > MAX_ATTACHMENTS:
        raise ParticipationError(_("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS}, field)
    checked = []
    for upload in files:
        name = upload.name.replace("\\", "/").rsplit("/", 1)[-1]
        if not name or len(name) > 150 or name.startswith("."):
            raise ParticipationError(
                _("%(name)s: the file name is not acceptable.") % {"name": name}, field
            )
        media_type, problem = check_document(name, upload.data, field=field)
        if problem is not None:
            raise ParticipationError(_upload_problem(name, upload.data), field)
        checked.append((Upload(name, upload.data), media_type))
    return checked


def _upload_problem(name: str, data: bytes) -> str:
    """The reason check_document refused a file, in the participant's language."""
    if len(data) > MAX_DOCUMENT_BYTES:
        return _("%(name)s: larger than 10 MB (%(size).1f MB)") % {
            "name": name,
            "size": len(data) / 1024 / 1024,
        }
    if not data:
        return _("%(name)s: the file is empty") % {"name": name}
    kind = sniff_document(data)
    if kind is None:
        return _(
            "%(name)s: not a PDF, DOCX, ODT, XLSX, ODS, PNG or JPG document (by its content)"
        ) % {"name": name}
    return _("%(name)s: the content is %(kind)s but the name does not end in %(suffixes)s") % {
        "name": name,
        "kind": kind.upper(),
        "suffixes": ", ".join(sorted(DOCUMENT_KINDS[kind][1])),
    }


def _store(instance: ContributionAttachment, upload: Upload, media_type: str) -> None:
    instance.original_name = upload.name
    instance.media_type = media_type
    instance.size = len(upload.data)
    suffix = upload.name.rsplit(".", 1)[-1].lower()
    instance.file.save(f"{secrets.token_hex(12)}.{suffix}", ContentFile(upload.data), save=False)


def contribution_submit(
    *,
    user: Account,
    process: Process,
    kind: str,
    title: str,
    body: str,
    nodes: Sequence[Node] = (),
    zone: Territory | None = None,
    files: Sequence[Upload] = (),
    now: dt.datetime | None = None,
    data_status: str = DataStatus.CONFIRMED,
    organisation: Organisation | None = None,
) -> Contribution:
    """A verified participant's contribution to a process's open phase, with its consent;
    on behalf of `organisation` when they are its verified delegate. A loader gives `now`
    (when it was sent) and marks demo content with `data_status`."""
    now = now or timezone.now()
    if not is_verified_participant(user=user):
        raise ParticipationError(_("Confirm your email address before contributing."))
    delegate_check(user=user, organisation=organisation)
    phase = contributions_open(process=process, today=timezone.localdate(now))
    if phase is None:
        raise ParticipationError(_("This process is not accepting contributions now."))
    if kind not in Contribution.Kind.values:
        raise ParticipationError(_("Unknown type of contribution."), "kind")
    if not title.strip():
        raise ParticipationError(_("The title is required."), "title")
    if not body.strip():
        raise ParticipationError(_("The text is required."), "body")
    if kind == Contribution.Kind.DOCUMENT and not files:
        raise ParticipationError(
            _("A document contribution needs at least one attachment."), "attachments"
        )
    checked = check_uploads(files=files)
    stored: list[ContributionAttachment] = []
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                process=process,
                phase=phase,
                author=user,
                author_name=public_name(user=user),
                organisation=organisation,
                kind=kind,
                title=title.strip(),
                body=body.strip(),
                zone=zone,
                created_at=now,
                data_status=data_status,
            )
            contribution.nodes.set(nodes)
            for upload, media_type in checked:
                attachment = ContributionAttachment(contribution=contribution)
                _store(attachment, upload, media_type)
                stored.append(attachment)
                attachment.save()
            consent_record(purpose=ConsentRecord.Purpose.CONTRIBUTION, user=user)
    except Exception:
        for attachment in stored:  # files are not transactional: remove what was written
            attachment.file.delete(save=False)
        raise
    return contribution


#: Short words that say nothing about the subject (Italian and English).
ANSWERED = {
    Contribution.Status.ACCEPTED,
    Contribution.Status.INCORPORATED,
    Contribution.Status.REJECTED,
}


@transaction.atomic
def contribution_answer(
    *,
    contribution: Contribution,
    status: str,
    answer: str,
    actor: Account,
    channel: str = "web",
    now: dt.datetime | None = None,
) -> Contribution:
    """Move a contribution along the workflow; a decision needs an official answer (dated
    `now`, by default the present)."""
    if status not in Contribution.Status.values:
        raise ParticipationError(_("Unknown status."), "status")
    if status in ANSWERED and not answer.strip():
        raise ParticipationError(
            _("Accepting, incorporating or not accepting needs an official answer."), "answer"
        )
    before = snapshot(contribution)
    contribution.status = status
    contribution.answer = answer.strip()
    if status in ANSWERED and contribution.answered_at is None:
        contribution.answered_at = now or timezone.now()
    contribution.save(update_fields=["status", "answer", "answered_at"])
    audit_record(
        instance=contribution, action="update", actor=actor, channel=channel, before=before
    )
    if contribution.answer and before.get("answer") != contribution.answer:
        notify(
            kind=Notification.Kind.ANSWER,
            title=contribution.title,
            url=reverse("participation:contribution", kwargs={"pk": contribution.pk}),
            targets=[(Follow.Target.CONTRIBUTION, contribution.pk)],
            direct={contribution.author_id: Notification.Kind.ANSWER}
            if contribution.author_id
            else {},
            exclude=[actor.pk] if getattr(actor, "pk", None) else [],
        )
    return contribution


def contribution_support(
    *, contribution: Contribution, user: Account, organisation: Organisation | None = None
) -> bool:
    """Support once (a person once, an organisation once, through one of its delegates);
    returns False when this person or organisation already supports it."""
    if contribution.is_hidden:
        raise ParticipationError(_("This contribution is hidden."))
    delegate_check(user=user, organisation=organisation)
    try:
        with transaction.atomic():
            Support.objects.create(contribution=contribution, user=user, organisation=organisation)
            Contribution.objects.filter(pk=contribution.pk).update(
                support_count=F("support_count") + 1
            )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def contribution_unsupport(*, contribution: Contribution, user: Account) -> bool:
    deleted, _counts = Support.objects.filter(contribution=contribution, user=user).delete()
    if deleted:
        Contribution.objects.filter(pk=contribution.pk).update(support_count=F("support_count") - 1)
    return bool(deleted)


def contribution_report(
    *, contribution: Contribution, user: Account, reason: str, details: str = ""
) -> Report:
    if reason not in Report.Reason.values:
        raise ParticipationError(_("Choose a reason."), "reason")
    try:
        with transaction.atomic():
            return Report.objects.create(
                contribution=contribution, user=user, reason=reason, details=details.strip()[:500]
            )
    except IntegrityError as exc:
        raise ParticipationError(_("You have already reported this contribution.")) from exc


@transaction.atomic
def contribution_hide(*, contribution: Contribution, reason: str, actor: Account) -> None:
    if not reason.strip():
        raise ParticipationError(_("Say why the contribution is hidden."), "reason")
    visibility_set(item=contribution, reason=reason, actor=actor)


@transaction.atomic
def contribution_restore(*, contribution: Contribution, actor: Account) -> None:
    """Show again (or keep visible): open reports are closed as 'kept'."""
    visibility_set(item=contribution, reason=None, actor=actor)
