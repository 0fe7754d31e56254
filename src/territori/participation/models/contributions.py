"""Online contributions, their attachments, supports and reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation
from territori.frameworks.models import Node
from territori.territories.models import Territory

from .base import StoredFile, data_status_field
from .meetings import Meeting
from .processes import Process, ProcessPhase


class Contribution(models.Model):
    class Kind(models.TextChoices):
        PROPOSAL = "proposal", _("proposal")
        OBSERVATION = "observation", _("observation")
        DOCUMENT = "document", _("document")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        EVALUATING = "evaluating", _("under evaluation")
        ACCEPTED = "accepted", _("accepted")
        INCORPORATED = "incorporated", _("incorporated")
        REJECTED = "rejected", _("not accepted")

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="contributions"
    )
    phase = models.ForeignKey(
        ProcessPhase,
        verbose_name=_("phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("collected at the meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    author_name = models.CharField(_("author (as shown)"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    nodes = models.ManyToManyField(
        Node, verbose_name=_("axes, strategies and Missions"), blank=True, related_name="+"
    )
    zone = models.ForeignKey(
        Territory,
        verbose_name=_("zona omogenea"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    answer = models.TextField(_("official answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("why hidden"), max_length=300, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    data_status = data_status_field()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ContributionAttachment(StoredFile):
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Support(models.Model):
    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "user"], name="support_once"),
            models.UniqueConstraint(
                fields=["contribution", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="support_once_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id} {self.user_id}"


class Report(models.Model):
    """A report to the moderators: the reason, and what they decided."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("spam or advertising")
        OFFENSIVE = "offensive", _("offensive or discriminatory")
        PERSONAL_DATA = "personal_data", _("contains someone's personal data")
        OFF_TOPIC = "off_topic", _("not about the agenda")
        OTHER = "other", _("other")

    class Outcome(models.TextChoices):
        OPEN = "open", _("to be decided")
        HIDDEN = "hidden", _("hidden")
        KEPT = "kept", _("kept visible")

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["contribution", "user"], name="report_once")]

    def __str__(self) -> str:
        return f"{self.contribution_id} {self.reason}"


# --- Questionnaires --------------------------------------------------------------------------
