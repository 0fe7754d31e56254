"""The newsletter: subscribers, issues and their blocks."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.frameworks.models import Node, pick_language
from territori.territories.models import Territory

from .base import data_status_field


class Subscriber(models.Model):
    email = models.EmailField(_("email"), unique=True)
    token = models.CharField(max_length=64, unique=True)
    language = models.CharField(_("language"), max_length=5, default="it")
    nodes = models.ManyToManyField(
        Node, verbose_name=_("Missions of interest"), blank=True, related_name="+"
    )
    zones = models.ManyToManyField(
        Territory, verbose_name=_("zones of interest"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class NewsletterIssue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        QUEUED = "queued", _("queued for sending")
        SENT = "sent", _("sent")

    number = models.PositiveIntegerField(_("number"), unique=True)
    subject_it = models.CharField(_("subject (Italian)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    include_meetings = models.BooleanField(_("block: upcoming meetings"), default=True)
    include_answers = models.BooleanField(_("block: contributions answered"), default=True)
    include_assessments = models.BooleanField(
        _("block: latest indicator assessments"), default=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    content = models.JSONField(
        _("content as sent"),
        null=True,
        blank=True,
        help_text=_("The blocks frozen when the issue was sent, for the archive."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    data_status = data_status_field()

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.subject_it}"

    @property
    def subject(self) -> str:
        return pick_language(self.subject_it, self.subject_en)


class NewsletterBlock(models.Model):
    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField(_("position"))
    heading_it = models.CharField(_("heading (Italian)"), max_length=200)
    heading_en = models.CharField(_("heading (English)"), max_length=200, blank=True)
    text_it = models.TextField(_("text (Italian)"))
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("text block")
        verbose_name_plural = _("text blocks")
        ordering = ["issue", "position"]

    def __str__(self) -> str:
        return self.heading_it
