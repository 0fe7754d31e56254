"""The bimonthly newsletter: double opt-in subscriptions, composed issues, sending.

An issue's content is frozen when it is queued (text blocks plus the automatic blocks:
upcoming meetings, contributions answered since the previous issue, the latest indicator
assessments), so the archive shows exactly what was sent. Each subscriber gets the items
that match their Missions and zones (all items when they chose none).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.territories.models import Territory
from territori.territories.selectors import home_territory_code

from ..models import (
    ConsentRecord,
    Contribution,
    Meeting,
    NewsletterBlock,
    NewsletterIssue,
    Subscriber,
)
from .common import ParticipationError, absolute_url, consent_record, email_normalise

UPCOMING_DAYS = 75


def subscribe(
    *,
    email: str,
    nodes: Sequence[Node] = (),
    zones: Sequence[Territory] = (),
    language: str = "it",
) -> Subscriber:
    """Record the request and send the confirmation link; nothing is sent until confirmed.

    Asking again re-sends the link (and updates the preferences) without saying whether the
    address was already subscribed.
    """
    email = email_normalise(email=email)
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(
            email=email, defaults={"token": secrets.token_urlsafe(32), "language": language}
        )
        if subscriber.unsubscribed_at is not None:
            subscriber.unsubscribed_at = None
            subscriber.confirmed_at = None
            subscriber.token = secrets.token_urlsafe(32)
        subscriber.language = language
        subscriber.save()
        subscriber.nodes.set(nodes)
        subscriber.zones.set(zones)
        consent_record(purpose=ConsentRecord.Purpose.NEWSLETTER, email=email)
        if subscriber.confirmed_at is None:
            transaction.on_commit(lambda: confirmation_email_send(subscriber=subscriber))
    return subscriber


def confirmation_email_send(*, subscriber: Subscriber) -> None:
    link = absolute_url(path=reverse("participation:newsletter_confirm", args=[subscriber.token]))
    with translation.override(subscriber.language):
        body = render_to_string("participation/email/newsletter_confirm.txt", {"link": link})
        subject = _("Confirm your newsletter subscription")
    EmailMultiAlternatives(subject, body, to=[subscriber.email]).send()


def subscription_confirm(*, token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None or subscriber.unsubscribed_at is not None:
        raise ParticipationError(_("The link is not valid."))
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def unsubscribe(*, token: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        raise ParticipationError(_("The link is not valid."))
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
        ConsentRecord.objects.filter(
            email=subscriber.email,
            purpose=ConsentRecord.Purpose.NEWSLETTER,
            withdrawn_at__isnull=True,
        ).update(withdrawn_at=timezone.now())
    return subscriber


# --- Composing ----------------------------------------------------------------------------------


def _tags(nodes: Sequence[Node], zone_id: int | None) -> dict[str, list[int]]:
    return {"nodes": [n.pk for n in nodes], "zones": [zone_id] if zone_id else []}


def issue_compose(*, issue: NewsletterIssue, now: dt.datetime | None = None) -> dict[str, Any]:
    """The issue's content in both languages, with tags for personalisation (JSON-safe)."""
    from territori.indicators.models import Assessment
    from territori.indicators.selectors import status_label

    now = now or timezone.now()
    previous = (
        NewsletterIssue.objects.filter(sent_at__isnull=False, number__lt=issue.number)
        .order_by("-number")
        .first()
    )
    since = previous.sent_at if previous and previous.sent_at else now - dt.timedelta(days=61)
    content: dict[str, Any] = {"blocks": [], "meetings": [], "answers": [], "assessments": []}
    for block in issue.blocks.all():
        content["blocks"].append(
            {
                "heading": {"it": block.heading_it, "en": block.heading_en or block.heading_it},
                "text": {"it": block.text_it, "en": block.text_en or block.text_it},
            }
        )
    if issue.include_meetings:
        meetings = (
            Meeting.objects.filter(
                starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=UPCOMING_DAYS)
            )
            .filter(cancelled=False)
            .prefetch_related("nodes")
            .order_by("starts_at")[:10]
        )
        for meeting in meetings:
            content["meetings"].append(
                {
                    "title": {"it": meeting.title_it, "en": meeting.title_en or meeting.title_it},
                    "when": timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y %H:%M"),
                    "url": absolute_url(path=reverse("participation:meeting", args=[meeting.code])),
                    **_tags(list(meeting.nodes.all()), meeting.zone_id),
                }
            )
    if issue.include_answers:
        answered = (
            Contribution.objects.filter(answered_at__gte=since, hidden_at__isnull=True)
            .prefetch_related("nodes")
            .order_by("-answered_at")[:10]
        )
        for contribution in answered:
            with translation.override("it"):
                status_it = str(contribution.get_status_display())
            with translation.override("en"):
                status_en = str(contribution.get_status_display())
            content["answers"].append(
                {
                    "title": {"it": contribution.title, "en": contribution.title},
                    "status": {"it": status_it, "en": status_en},
                    "url": absolute_url(
                        path=reverse("participation:contribution", args=[contribution.pk])
                    ),
                    **_tags(list(contribution.nodes.all()), contribution.zone_id),
                }
            )
    if issue.include_assessments:
        latest = (
            Assessment.objects.filter(territory__code=home_territory_code(), window="long")
            .select_related("indicator")
            .order_by("-computed_at", "indicator__code")[:8]
        )
        for assessment in latest:
            words = {}
            for language in ("it", "en"):
                with translation.override(language):
                    words[language] = str(status_label(assessment.status)[1])
            content["assessments"].append(
                {
                    "title": {
                        "it": assessment.indicator.name_it,
                        "en": assessment.indicator.name_en or assessment.indicator.name_it,
                    },
                    "status": words,
                    "url": absolute_url(
                        path=reverse("portal:indicator", args=[assessment.indicator.code])
                    ),
                    "nodes": [],
                    "zones": [],
                }
            )
    return content


def personalise(*, content: dict[str, Any], nodes: set[int], zones: set[int]) -> dict[str, Any]:
    """Keep the items tagged with the subscriber's Missions or zones (all when none chosen)."""
    if not nodes and not zones:
        return content

    def wanted(item: dict[str, Any]) -> bool:
        if not item["nodes"] and not item["zones"]:
            return True  # not about any Mission or zone in particular
        return bool(nodes & set(item["nodes"])) or bool(zones & set(item["zones"]))

    result = dict(content)
    for key in ("meetings", "answers"):
        result[key] = [item for item in content[key] if wanted(item)]
    return result


def localise(*, content: dict[str, Any], language: str) -> dict[str, Any]:
    """Pick one language from every {"it": ..., "en": ...} value."""

    def pick(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"it", "en"}:
            return value[language] or value["it"]
        if isinstance(value, dict):
            return {k: pick(v) for k, v in value.items()}
        if isinstance(value, list):
            return [pick(v) for v in value]
        return value

    return {k: pick(v) for k, v in content.items()}


@dataclass(frozen=True)
class BlockData:
    heading_it: str
    text_it: str
    heading_en: str = ""
    text_en: str = ""


@transaction.atomic
def issue_create(
    *,
    number: int,
    subject_it: str,
    subject_en: str = "",
    blocks: Sequence[BlockData] = (),
    data_status: str = DataStatus.CONFIRMED,
) -> NewsletterIssue:
    """A draft issue with its text blocks (the automatic blocks are added when it is sent)."""
    if NewsletterIssue.objects.filter(number=number).exists():
        raise ParticipationError(_("An issue with this number exists."), "number")
    issue = NewsletterIssue(
        number=number, subject_it=subject_it, subject_en=subject_en, data_status=data_status
    )
    issue.full_clean()
    issue.save()
    for position, block in enumerate(blocks, start=1):
        item = NewsletterBlock(issue=issue, position=position, **asdict(block))
        item.full_clean()
        item.save()
    return issue


@transaction.atomic
def issue_archive(*, issue: NewsletterIssue, sent_at: dt.datetime) -> NewsletterIssue:
    """Record a draft as an issue sent outside the site on `sent_at` (the issues before the
    newsletter moved here): its content is composed as of that day, nobody is emailed."""
    if issue.status != NewsletterIssue.Status.DRAFT:
        raise ParticipationError(_("This issue has already been sent or queued."))
    issue.content = issue_compose(issue=issue, now=sent_at)
    issue.status = NewsletterIssue.Status.SENT
    issue.sent_at = sent_at
    issue.save(update_fields=["content", "status", "sent_at"])
    return issue


@transaction.atomic
def issue_queue(*, issue: NewsletterIssue, now: dt.datetime | None = None) -> None:
    """Freeze the content and queue the sending (django-tasks)."""
    from ..tasks import newsletter_send_task

    issue = NewsletterIssue.objects.select_for_update().get(pk=issue.pk)
    if issue.status != NewsletterIssue.Status.DRAFT:
        raise ParticipationError(_("This issue has already been sent or queued."))
    issue.content = issue_compose(issue=issue, now=now)
    issue.status = NewsletterIssue.Status.QUEUED
    issue.save(update_fields=["content", "status"])
    issue_id = issue.pk
    transaction.on_commit(lambda: newsletter_send_task.enqueue(issue_id))


def issue_send(*, issue_id: int) -> int:
    """Send a queued issue to every active subscriber; returns how many emails went out."""
    issue = NewsletterIssue.objects.get(pk=issue_id)
    if issue.status == NewsletterIssue.Status.SENT:
        return 0
    subscribers = (
        Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .prefetch_related("nodes", "zones")
        .order_by("pk")
    )
    sent = 0
    with get_connection() as connection:
        for subscriber in subscribers:
            message = issue_message(issue=issue, subscriber=subscriber)
            message.connection = connection
            message.send()
            sent += 1
    issue.status = NewsletterIssue.Status.SENT
    issue.sent_at = timezone.now()
    issue.recipients = sent
    issue.save(update_fields=["status", "sent_at", "recipients"])
    return sent


def issue_message(*, issue: NewsletterIssue, subscriber: Subscriber) -> EmailMultiAlternatives:
    language = subscriber.language if subscriber.language in ("it", "en") else "it"
    content = localise(
        content=personalise(
            content=issue.content or {},
            nodes={n.pk for n in subscriber.nodes.all()},
            zones={z.pk for z in subscriber.zones.all()},
        ),
        language=language,
    )
    unsubscribe_url = absolute_url(
        path=reverse("participation:newsletter_unsubscribe", args=[subscriber.token])
    )
    with translation.override(language):
        subject = issue.subject_en if language == "en" and issue.subject_en else issue.subject_it
        context = {"issue": issue, "content": content, "unsubscribe_url": unsubscribe_url}
        text = render_to_string("participation/email/newsletter.txt", context)
        html = render_to_string("participation/email/newsletter.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message
