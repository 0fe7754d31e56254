"""Processes and their phases, standing bodies (Forum Missioni, Cabina di regia), their members and documents."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation
from territori.frameworks.models import Bilingual, Node, pick_language
from territori.territories.models import Territory

from .base import StoredFile, data_status_field


class Process(Bilingual, models.Model):
    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPCOMING
    )
    nodes = models.ManyToManyField(
        Node, verbose_name=_("Missions and PSM axes"), blank=True, related_name="+"
    )
    zones = models.ManyToManyField(Territory, verbose_name=_("zones"), blank=True, related_name="+")
    sources = models.TextField(_("sources"), blank=True)
    data_status = data_status_field()

    class Meta:
        verbose_name = _("participatory process")
        verbose_name_plural = _("participatory processes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title_it


class ProcessPhase(Bilingual, models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField(_("position"))
    title_it = models.CharField(_("title (Italian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    contributions_open = models.BooleanField(_("online contributions open"), default=False)
    meetings_open = models.BooleanField(_("meetings"), default=False)
    questionnaires_open = models.BooleanField(_("questionnaires"), default=False)
    comments_open = models.BooleanField(
        _("comments"),
        default=True,
        help_text=_("whether people can comment on the contributions, meetings and debates"),
    )

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "position"]
        constraints = [
            models.UniqueConstraint(fields=["process", "position"], name="phase_position_unique"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="phase_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title_it}"

    def is_current(self, today: dt.date) -> bool:
        return self.start <= today <= self.end


class Body(models.Model):
    """A standing body: the Forum Missioni, the Cabina di regia."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("forum")
        STEERING = "steering", _("steering committee")
        WORKING_GROUP = "working_group", _("working group")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name_it = models.CharField(_("name (Italian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bodies",
    )
    nodes = models.ManyToManyField(Node, verbose_name=_("Missions"), blank=True, related_name="+")
    sources = models.TextField(_("sources"), blank=True)
    data_status = data_status_field()

    class Meta:
        verbose_name = _("standing body")
        verbose_name_plural = _("standing bodies")
        ordering = ["name_it"]

    def __str__(self) -> str:
        return self.name_it

    @property
    def name(self) -> str:
        return pick_language(self.name_it, self.name_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)


class BodyMember(models.Model):
    """An organisation sitting in a body; `delegates` are the accounts that represent it."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARIAT = "secretariat", _("secretariat")
        MEMBER = "member", _("member")
        OBSERVER = "observer", _("observer")
        FACILITATOR = "facilitator", _("facilitator")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegates (accounts)"),
        blank=True,
        related_name="body_memberships",
    )

    class Meta:
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        ordering = ["body", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "organisation"], name="body_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.organisation}"


class BodyDocument(StoredFile):
    """A working document for the body's members only."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("members' document")
        verbose_name_plural = _("members' documents")
        ordering = ["-uploaded_at"]


# --- Meetings ------------------------------------------------------------------------------
