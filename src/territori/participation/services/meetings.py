"""Meetings: registrations, waiting lists, check-in, calendars, retention."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territori.io.ical import Event, calendar

from ..models import (
    ConsentRecord,
    Meeting,
    Registration,
)
from .common import ParticipationError, absolute_url, consent_record


def _registration_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at the door
    return "".join(secrets.choice(alphabet) for _ in range(8))


@transaction.atomic
def meeting_register(
    *,
    meeting: Meeting,
    user: Account,
    organisation_name: str = "",
    needs: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """A confirmed place while there is one, else a place on the waiting list.

    The meeting row is locked first, so concurrent registrations are counted one at a time
    and never exceed capacity (SQLite serialises writers; PostgreSQL waits on the lock).
    """
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not locked.registration_open(now):
        raise ParticipationError(_("Registration for this meeting is closed."))
    existing = Registration.objects.filter(meeting=locked, user=user).first()
    if existing is not None and existing.status != Registration.Status.CANCELLED:
        raise ParticipationError(_("You are already registered for this meeting."))
    confirmed = Registration.objects.filter(
        meeting=locked, status=Registration.Status.CONFIRMED
    ).count()
    full = locked.capacity is not None and confirmed >= locked.capacity
    status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    registration = existing or Registration(meeting=locked, user=user, code=_registration_code())
    registration.status = status
    registration.organisation_name = organisation_name.strip()
    registration.needs = needs.strip()
    registration.created_at = timezone.now()
    registration.cancelled_at = None
    registration.save()
    consent_record(purpose=ConsentRecord.Purpose.REGISTRATION, user=user)
    transaction.on_commit(lambda: registration_email_send(registration=registration))
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration) -> Registration | None:
    """Cancel; a freed place goes to the first on the waiting list, who is told by email."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration.refresh_from_db()
    if registration.status == Registration.Status.CANCELLED:
        raise ParticipationError(_("This registration was already cancelled."))
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if was_confirmed and not meeting.is_past():
        promoted = (
            Registration.objects.filter(meeting=meeting, status=Registration.Status.WAITING)
            .order_by("created_at", "id")
            .first()
        )
        if promoted is not None:
            promoted.status = Registration.Status.CONFIRMED
            promoted.save(update_fields=["status"])
            promotion = promoted
            transaction.on_commit(lambda: registration_email_send(registration=promotion))
    return promoted


def registration_check_in(*, meeting: Meeting, code: str) -> Registration:
    code = code.strip().upper().replace(" ", "")
    registration = (
        Registration.objects.filter(meeting=meeting, code=code).select_related("user").first()
    )
    if registration is None:
        raise ParticipationError(
            _("No registration for this meeting has the code %(code)s.") % {"code": code}, "code"
        )
    if registration.status != Registration.Status.CONFIRMED:
        raise ParticipationError(
            _("The registration %(code)s is not confirmed (%(status)s).")
            % {"code": code, "status": registration.get_status_display()},
            "code",
        )
    if registration.checked_in_at is not None:
        raise ParticipationError(
            _("%(code)s already checked in at %(time)s.")
            % {
                "code": code,
                "time": timezone.localtime(registration.checked_in_at).strftime("%H:%M"),
            },
            "code",
        )
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["checked_in_at"])
    return registration


def meeting_location(*, meeting: Meeting) -> str:
    parts = [meeting.place_name, meeting.address]
    if meeting.comune_id and meeting.comune:
        parts.append(meeting.comune.name)
    text = ", ".join(p for p in parts if p)
    if meeting.online_url:
        text = f"{text} – {meeting.online_url}" if text else meeting.online_url
    return text


def meeting_event(*, meeting: Meeting) -> Event:
    url = absolute_url(path=reverse("participation:meeting", args=[meeting.code]))
    return Event(
        uid=f"meeting-{meeting.code}@territori",
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=meeting.title,
        description=meeting.description,
        location=meeting_location(meeting=meeting),
        url=url,
        cancelled=meeting.cancelled,
        all_day=not meeting.time_known,
    )


def meetings_ical(*, meetings: Iterable[Meeting], name: str) -> str:
    return calendar((meeting_event(meeting=m) for m in meetings), name=name, stamp=timezone.now())


def registration_email_send(*, registration: Registration) -> None:
    meeting = Meeting.objects.select_related("comune").get(pk=registration.meeting_id)
    user = registration.user
    context = {
        "meeting": meeting,
        "registration": registration,
        "start": timezone.localtime(meeting.starts_at),
        "location": meeting_location(meeting=meeting),
        "link": absolute_url(path=reverse("participation:meeting", args=[meeting.code])),
    }
    with translation.override(translation.get_language() or "it"):
        body = render_to_string("participation/email/registration.txt", context)
        if registration.status == Registration.Status.CONFIRMED:
            subject = _("Registration confirmed: %(title)s") % {"title": meeting.title}
        else:
            subject = _("Waiting list: %(title)s") % {"title": meeting.title}
    message = EmailMessage(subject, body, to=[user.email])
    if registration.status == Registration.Status.CONFIRMED:
        ics = meetings_ical(meetings=[meeting], name=meeting.title)
        message.attach(f"{meeting.code}.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    message.send()


def registrations_purge(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete registrations of meetings that ended more than `days` ago (counts are kept)."""
    days = settings.TERRITORI_REGISTRATION_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        meetings = Meeting.objects.filter(
            ends_at__lt=cutoff, registrations__isnull=False
        ).distinct()
        for meeting in meetings:
            if meeting.reported_attendance is None:
                meeting.reported_attendance = meeting.registrations.filter(
                    checked_in_at__isnull=False
                ).count()
                meeting.save(update_fields=["reported_attendance"])
        deleted, _counts = Registration.objects.filter(meeting__ends_at__lt=cutoff).delete()
    return deleted
