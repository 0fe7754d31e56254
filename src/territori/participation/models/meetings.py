"""Meetings, their agenda, documents and registrations."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation
from territori.core.richtext import sanitise_html
from territori.frameworks.models import Bilingual, BilingualTitle, Node, pick_language
from territori.territories.models import Territory

from .base import StoredFile, data_status_field
from .processes import Body, Process, ProcessPhase


class Meeting(Bilingual, models.Model):
    class Kind(models.TextChoices):
        LAB = "lab", _("lab")
        CONFERENCE = "conference", _("conference")
        TERRITORIAL = "territorial", _("territorial meeting")
        FOCUS_GROUP = "focus_group", _("focus group")
        STEERING = "steering", _("steering committee")
        EVENT = "event", _("public event")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    phase = models.ForeignKey(
        ProcessPhase,
        verbose_name=_("phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_known = models.BooleanField(
        _("time known"),
        default=True,
        help_text=_("Off when only the day is known: the meeting is shown as lasting all day."),
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    comune = models.ForeignKey(
        Territory,
        verbose_name=_("comune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    online_url = models.URLField(_("online link"), blank=True)
    accessibility_it = models.TextField(_("accessibility notes (Italian)"), blank=True)
    accessibility_en = models.TextField(_("accessibility notes (English)"), blank=True)
    nodes = models.ManyToManyField(Node, verbose_name=_("Missions"), blank=True, related_name="+")
    zone = models.ForeignKey(
        Territory,
        verbose_name=_("zona omogenea"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registration_required = models.BooleanField(_("registration"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    minutes = models.TextField(
        _("minutes / restitution"),
        blank=True,
        help_text=_("Rich text: headings, lists, links and emphasis; anything else is removed."),
    )
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    reported_attendance = models.PositiveIntegerField(
        _("participants (reported)"),
        null=True,
        blank=True,
        help_text=_("For meetings without registration on the platform."),
    )
    attending_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("attending organisations"), blank=True, related_name="+"
    )
    sources = models.TextField(_("sources"), blank=True)
    data_status = data_status_field()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="meeting_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title_it

    def save(self, *args: object, **kwargs: object) -> None:
        self.minutes = sanitise_html(self.minutes)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def accessibility(self) -> str:
        return pick_language(self.accessibility_it, self.accessibility_en)

    @property
    def minutes_public(self) -> bool:
        return bool(self.minutes_published_at and self.minutes)

    def is_past(self, now: dt.datetime | None = None) -> bool:
        return self.ends_at < (now or timezone.now())

    def registration_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.registration_required or self.cancelled or self.starts_at <= now:
            return False
        return self.registration_closes_at is None or now < self.registration_closes_at


class AgendaItem(BilingualTitle, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("position"))
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    duration = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["meeting", "position"]

    def __str__(self) -> str:
        return self.title_it


class MeetingDocument(StoredFile):
    """An attachment to the minutes (public) or a document for registered people."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    public = models.BooleanField(_("public"), default=True)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("waiting list")
        CANCELLED = "cancelled", _("cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    code = models.CharField(_("check-in code"), max_length=12, unique=True)
    organisation_name = models.CharField(
        _("organisation you represent"), max_length=200, blank=True
    )
    needs = models.CharField(
        _("accessibility needs"),
        max_length=500,
        blank=True,
        help_text=_("Optional; seen only by the organisers and deleted after the meeting."),
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="registration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.code}"


# --- Online contributions --------------------------------------------------------------------
