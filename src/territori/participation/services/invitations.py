"""Questionnaire invitations (seed 003: a questionnaire "somministrato a tutti coloro che
avevano partecipato al processo"): inviting the past participants of the questionnaire's
process, reminding those who have not answered, and stopping invitations with one click."""

from __future__ import annotations

import datetime as dt
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territori.core.audit import audit_record

from ..models import (
    Comment,
    Contribution,
    Debate,
    Participant,
    PriorityBallot,
    Questionnaire,
    QuestionnaireInvitation,
    Registration,
    Support,
)
from .common import ParticipationError, absolute_url

INVITATIONS_SALT = "territori.questionnaire-invitations"
#: A reminder goes out this many days after the last email, at most `MAX_REMINDERS` times.
REMINDER_AFTER_DAYS = 7
MAX_REMINDERS = 2


def invitation_candidates(*, questionnaire: Questionnaire) -> list[int]:
    """The accounts that took part in the questionnaire's process (a contribution, a
    support, a comment on its contributions or debates, a meeting registration, a
    prioritisation ballot), active, with a confirmed address, willing to be invited and not
    invited yet."""
    process = questionnaire.process
    if process is None:
        return []
    contributions = Contribution.objects.filter(process=process).values("pk")
    debates = Debate.objects.filter(phase__process=process).values("pk")
    took_part = (
        Q(contributions__process=process)
        | Q(supports__in=Support.objects.filter(contribution__process=process))
        | Q(
            comments__in=Comment.objects.filter(
                Q(target_kind=Comment.Target.CONTRIBUTION, target_id__in=contributions)
                | Q(target_kind=Comment.Target.DEBATE, target_id__in=debates)
            )
        )
        | Q(registrations__in=Registration.objects.filter(meeting__process=process))
        | Q(
            priority_ballots__in=PriorityBallot.objects.filter(
                prioritisation__phase__process=process
            )
        )
    )
    return list(
        get_user_model()
        .objects.filter(
            took_part,
            is_active=True,
            participant__email_verified_at__isnull=False,
            participant__invitations=True,
        )
        .exclude(questionnaire_invitations__questionnaire=questionnaire)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def questionnaire_invite(
    *, questionnaire: Questionnaire, actor: Account, now: dt.datetime | None = None
) -> int:
    """Invite every candidate; the emails go through the task queue. Returns how many."""
    now = now or timezone.now()
    if questionnaire.process is None:
        raise ParticipationError(
            _("This questionnaire belongs to no process: there is nobody to invite.")
        )
    if not questionnaire.closes_at > now:
        raise ParticipationError(_("This questionnaire is closed."))
    from ..tasks import invitations_send_task

    with transaction.atomic():
        users = invitation_candidates(questionnaire=questionnaire)
        QuestionnaireInvitation.objects.bulk_create(
            [
                QuestionnaireInvitation(
                    questionnaire=questionnaire, user_id=pk, sent_at=now, last_sent_at=now
                )
                for pk in users
            ],
            ignore_conflicts=True,
        )
        audit_record(
            instance=questionnaire,
            action="update",
            before=None,
            actor=actor,
            channel="web",
            note=f"invited {len(users)} past participants",
        )
        if users:
            transaction.on_commit(
                lambda: invitations_send_task.enqueue(questionnaire.pk, users, False)
            )
    return len(users)


def invitations_token(*, user_id: int) -> str:
    return signing.dumps(user_id, salt=INVITATIONS_SALT)


def invitations_stop(*, token: str) -> Participant:
    """No more questionnaire invitations for the person the link was made for."""
    try:
        user_id = signing.loads(token, salt=INVITATIONS_SALT)
    except signing.BadSignature as exc:
        raise ParticipationError(_("This link is not valid.")) from exc
    participant = Participant.objects.filter(user_id=user_id).first()
    if participant is None:
        raise ParticipationError(_("This account no longer exists."))
    participant.invitations = False
    participant.save(update_fields=["invitations"])
    return participant


def invitations_choose(*, user: Account, invitations: bool) -> None:
    Participant.objects.filter(user=user).update(invitations=invitations)


def invitations_send(*, questionnaire_id: int, user_ids: list[int], reminder: bool) -> int:
    """The task's work: one email to each invited person still willing and not yet
    answered. Returns the emails sent."""
    questionnaire = Questionnaire.objects.filter(pk=questionnaire_id).first()
    if questionnaire is None or not questionnaire.closes_at > timezone.now():
        return 0
    invitations = QuestionnaireInvitation.objects.filter(
        questionnaire=questionnaire,
        user_id__in=user_ids,
        responded=False,
        user__is_active=True,
        user__participant__invitations=True,
    ).select_related("user")
    with translation.override("it"):  # the emails, and their links, are in Italian
        url = absolute_url(path=reverse("participation:questionnaire", args=[questionnaire.code]))
    sent = 0
    for invitation in invitations:
        with translation.override("it"):
            stop_url = absolute_url(
                path=reverse(
                    "participation:invitations_stop",
                    args=[invitations_token(user_id=invitation.user_id)],
                )
            )
        context = {
            "questionnaire": questionnaire,
            "url": url,
            "stop_url": stop_url,
            "reminder": reminder,
            "closes_at": questionnaire.closes_at,
        }
        with translation.override("it"):
            subject = (_("Reminder: %(title)s") if reminder else _("Your opinion: %(title)s")) % {
                "title": questionnaire.title_it
            }
            text = render_to_string("participation/email/questionnaire_invitation.txt", context)
        EmailMultiAlternatives(
            subject,
            text,
            to=[invitation.user.email],
            headers={
                "List-Unsubscribe": f"<{stop_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ).send()
        sent += 1
    return sent


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind the invited who have not answered an open questionnaire, `REMINDER_AFTER_DAYS`
    after the last email and at most `MAX_REMINDERS` times. Returns the reminders sent
    (`territori send-questionnaire-reminders`, daily from cron)."""
    now = now or timezone.now()
    due = QuestionnaireInvitation.objects.filter(
        responded=False,
        reminders__lt=MAX_REMINDERS,
        last_sent_at__lte=now - dt.timedelta(days=REMINDER_AFTER_DAYS),
        questionnaire__opens_at__lte=now,
        questionnaire__closes_at__gt=now,
        user__is_active=True,
        user__participant__invitations=True,
    )
    by_questionnaire: dict[int, list[int]] = {}
    for questionnaire_id, user_id in due.values_list("questionnaire_id", "user_id"):
        by_questionnaire.setdefault(questionnaire_id, []).append(user_id)
    sent = 0
    for questionnaire_id, user_ids in sorted(by_questionnaire.items()):
        with transaction.atomic():
            QuestionnaireInvitation.objects.filter(
                questionnaire_id=questionnaire_id, user_id__in=user_ids
            ).update(reminders=F("reminders") + 1, last_sent_at=now)
        sent += invitations_send(
            questionnaire_id=questionnaire_id, user_ids=user_ids, reminder=True
        )
    return sent
