"""Following and notifications: who follows what, telling them what changed (on the site and,
by their choice, by email: at once, daily or weekly), and unsubscribing with one click.

Fan-out and emails run in the task queue: a service enqueues `notify_task` (in the same
transaction as the change with the database backend, so a rolled-back change tells nobody),
the worker writes the notifications and sends the immediate emails; `territori send-digests
daily|weekly` queues the summaries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Follow, Notification, Participant
from ..selectors.follows import NoFollowTarget, follow_target
from .common import ParticipationError, absolute_url

UNSUBSCRIBE_SALT = "territori.notifications.unsubscribe"
#: Notifications listed in one email at most (the rest are on the site).
EMAIL_ITEMS = 50


def follow_toggle(*, user: Account, kind: str, pk: int) -> bool:
    """Follow, or stop following; returns whether the person now follows it."""
    try:
        follow_target(kind=kind, pk=pk)
    except NoFollowTarget as exc:
        raise ParticipationError(_("There is nothing to follow here.")) from exc
    deleted, _counts = Follow.objects.filter(user=user, target_kind=kind, target_id=pk).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, target_kind=kind, target_id=pk)
    except IntegrityError:  # a second click at the same moment
        pass
    return True


def notify(
    *,
    kind: str,
    title: str,
    url: str,
    targets: Iterable[tuple[str, int]] = (),
    direct: Mapping[int, str] | None = None,
    exclude: Iterable[int] = (),
) -> None:
    """Tell the people concerned, through the task queue: `direct` (user → kind of
    notification, e.g. the author replied to) and everyone following one of `targets`;
    never the people in `exclude` (who made the change)."""
    from ..tasks import notify_task

    # Stored in the site's default language (no /en/ prefix), whoever made the change.
    url = translate_url(url, settings.LANGUAGE_CODE)
    notify_task.enqueue(
        kind,
        title[:300],
        url[:500],
        [[target_kind, int(pk)] for target_kind, pk in targets],
        [[int(user_id), note] for user_id, note in (direct or {}).items()],
        sorted({int(user_id) for user_id in exclude}),
    )


def notifications_write(
    *,
    kind: str,
    title: str,
    url: str,
    targets: Sequence[Sequence[object]],
    direct: Sequence[Sequence[object]],
    exclude: Sequence[int],
    now: dt.datetime | None = None,
) -> list[int]:
    """The task's work: one notification a person (a direct one wins over following), then
    the emails of those who want them at once. Returns the people notified."""
    now = now or timezone.now()
    recipients: dict[int, str] = {}
    if targets:
        condition = Q()
        for target_kind, pk in targets:
            condition |= Q(target_kind=str(target_kind), target_id=int(str(pk)))
        for user_id in Follow.objects.filter(condition).values_list("user_id", flat=True):
            recipients[user_id] = kind
    for someone, note in direct:
        recipients[int(str(someone))] = str(note)
    for someone_else in exclude:
        recipients.pop(someone_else, None)
    active = set(
        get_user_model()
        .objects.filter(pk__in=recipients, is_active=True)
        .values_list("pk", flat=True)
    )
    Notification.objects.bulk_create(
        [
            Notification(user_id=user_id, kind=note, title=title, url=url, created_at=now)
            for user_id, note in sorted(recipients.items())
            if user_id in active
        ]
    )
    immediate = Participant.objects.filter(
        user_id__in=active, digest=Participant.Digest.IMMEDIATE
    ).values_list("user_id", flat=True)
    for user_id in immediate:
        digest_email_send(user_id=user_id)
    return sorted(active)


def unsubscribe_token(*, user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def digest_unsubscribe(*, token: str) -> Participant:
    """Stop the notification emails of the person the token was made for (in-site
    notifications go on)."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ParticipationError(_("This unsubscribe link is not valid.")) from exc
    participant = Participant.objects.filter(user_id=user_id).first()
    if participant is None:
        raise ParticipationError(_("This account no longer exists."))
    participant.digest = Participant.Digest.NONE
    participant.save(update_fields=["digest"])
    return participant


def digest_email_send(*, user_id: int, now: dt.datetime | None = None) -> int:
    """One email with this person's notifications not yet emailed; returns how many it
    listed (0: nothing sent). The notifications are marked as emailed with the sending."""
    now = now or timezone.now()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return 0
    pending = list(
        Notification.objects.filter(user_id=user_id, emailed_at=None, read_at=None).order_by(
            "created_at", "id"
        )[:EMAIL_ITEMS]
    )
    if not pending:
        return 0
    with translation.override("it"):  # the emails, and their links, are in Italian
        unsubscribe_url = absolute_url(
            path=reverse(
                "participation:notifications_unsubscribe", args=[unsubscribe_token(user_id=user_id)]
            )
        )
        context = {
            "items": [(n, absolute_url(path=n.url)) for n in pending],
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": absolute_url(path=reverse("participation:notifications")),
        }
        subject = _("Territori: %(n)s news about what you follow") % {"n": len(pending)}
        text = render_to_string("participation/email/notifications.txt", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
    return len(pending)


def digests_send(*, frequency: str, now: dt.datetime | None = None) -> int:
    """The daily or weekly summaries: one email to each person who chose `frequency` and
    has notifications not yet emailed; returns the emails sent."""
    if frequency not in (Participant.Digest.DAILY, Participant.Digest.WEEKLY):
        raise ParticipationError(_("Summaries are daily or weekly."))
    users = (
        Participant.objects.filter(
            digest=frequency,
            user__is_active=True,
            user__notifications__emailed_at=None,
            user__notifications__read_at=None,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(1 for user_id in list(users) if digest_email_send(user_id=user_id, now=now))


def digest_choose(*, user: Account, digest: str) -> None:
    if digest not in Participant.Digest.values:
        raise ParticipationError(_("Choose how often to receive emails."), "digest")
    participant = getattr(user, "participant", None)
    if participant is None:
        raise ParticipationError(_("Only participants' accounts receive notification emails."))
    participant.digest = digest
    participant.save(update_fields=["digest"])


def meeting_announce(*, meeting: Any) -> None:
    """A new meeting: the followers of its process, its Missions and its zone are told."""
    targets: list[tuple[str, int]] = [(Follow.Target.MEETING, meeting.pk)]
    if meeting.process_id:
        targets.append((Follow.Target.PROCESS, meeting.process_id))
    if meeting.zone_id:
        targets.append((Follow.Target.ZONE, meeting.zone_id))
    targets += [(Follow.Target.NODE, pk) for pk in meeting.nodes.values_list("pk", flat=True)]
    notify(
        kind=Notification.Kind.MEETING,
        title=meeting.title,
        url=reverse("participation:meeting", kwargs={"code": meeting.code}),
        targets=targets,
    )


def on_project_updated(sender: Any, *, project: Any, update: Any, **kwargs: Any) -> None:
    """`project_updated` receiver: the project's followers are told."""
    author = getattr(update, "author_id", None)
    notify(
        kind=Notification.Kind.PROJECT,
        title=project.title,
        url=reverse("portal:atlas_project", kwargs={"code": project.code}),
        targets=[(Follow.Target.PROJECT, project.pk)],
        exclude=[author] if author else [],
    )


def on_results_refreshed(sender: Any, codes: Sequence[str] | None = None, **kwargs: Any) -> None:
    """`results_refreshed` receiver: the followers of each Mission (or part of the plan) with
    a recomputed indicator are told, one notification a node."""
    from territori.frameworks.models import Node

    followed = Follow.objects.filter(target_kind=Follow.Target.NODE).values("target_id")
    nodes = Node.objects.filter(pk__in=followed).select_related("framework")
    if codes is not None:
        nodes = nodes.filter(indicators__code__in=list(codes))
    for node in nodes.distinct():
        notify(
            kind=Notification.Kind.ASSESSMENT,
            title=_("New assessments of the indicators of %(node)s")
            % {"node": f"{node.code} {node.title}"},
            url=node.get_absolute_url(),
            targets=[(Follow.Target.NODE, node.pk)],
        )
