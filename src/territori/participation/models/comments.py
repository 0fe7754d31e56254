"""Comments on what the agenda is made of, debates in a process phase, and the notifications
they send.

A comment is about one target: a contribution, a meeting (once it has taken place), a node of
the agenda or the plan (a Mission, an axis, a strategy), a project of the atlas, a published
monitoring report, or a debate. The target is named by its kind and primary key (the kinds
are fixed below: no generic relation to any table), so a comment can be about something of a
higher layer (reports) without this app importing it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation
from territori.frameworks.models import Bilingual, Node, pick_language

from .base import data_status_field
from .contributions import Report
from .processes import Process, ProcessPhase


class Debate(Bilingual, models.Model):
    """A question put to the participants of a phase: arguments for and against come as
    comments with a stance; the moderator closes it with a summary."""

    process = models.ForeignKey(
        Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="debates"
    )
    phase = models.ForeignKey(
        ProcessPhase,
        verbose_name=_("phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="debates",
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_it = models.CharField(_("question (Italian)"), max_length=300)
    title_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("introduction (Italian)"), blank=True)
    description_en = models.TextField(_("introduction (English)"), blank=True)
    nodes = models.ManyToManyField(
        Node, verbose_name=_("Missions and PSM axes"), blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    conclusions_it = models.TextField(_("closing summary (Italian)"), blank=True)
    conclusions_en = models.TextField(_("closing summary (English)"), blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data_status = data_status_field()

    n_comments: int  # set by selectors.debates_of

    class Meta:
        verbose_name = _("debate")
        verbose_name_plural = _("debates")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title_it

    @property
    def conclusions(self) -> str:
        return pick_language(self.conclusions_it, self.conclusions_en)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Comment(models.Model):
    class Target(models.TextChoices):
        CONTRIBUTION = "contribution", _("contribution")
        MEETING = "meeting", _("meeting")
        NODE = "node", _("Mission or part of the plan")
        PROJECT = "project", _("project")
        REPORT = "report", _("monitoring report")
        DEBATE = "debate", _("debate")

    class Stance(models.TextChoices):
        NONE = "", _("comment")
        FOR = "for", _("argument for")
        AGAINST = "against", _("argument against")

    target_kind = models.CharField(_("about a"), max_length=20, choices=Target.choices)
    target_id = models.PositiveBigIntegerField(_("about the item"))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    #: 0 for a comment, 1 for a reply, 2 for a reply to a reply… (shown to one level, the
    #: deeper ones folded)
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
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
    body = models.TextField(_("text"))
    stance = models.CharField(
        _("kind"), max_length=10, choices=Stance.choices, default=Stance.NONE, blank=True
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.CharField(_("why hidden"), max_length=300, blank=True)
    data_status = data_status_field()

    # set by selectors.comment_thread for the page
    readable: bool
    shown_replies: list[Comment]
    folded: list[Comment]
    replying_to: Comment | None

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["target_kind", "target_id", "created_at"], name="comment_target")
        ]

    def __str__(self) -> str:
        return f"{self.target_kind} {self.target_id}: {self.body[:40]}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CommentReport(models.Model):
    """A report of a comment to the moderators (the reasons of contributions' reports)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comment_reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Report.Reason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Report.Outcome.choices, default=Report.Outcome.OPEN
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="comment_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.comment_id} {self.reason}"


class Notification(models.Model):
    """Something a person is told on the site (and, by their choice, by email): an answer to
    their contribution, a reply to their comment, news about what they follow."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("new comment")
        REPLY = "reply", _("reply to your comment")
        ANSWER = "answer", _("answer to your contribution")
        MEETING = "meeting", _("new meeting")
        PROJECT = "project", _("project update")
        ASSESSMENT = "assessment", _("new assessment")
        DEBATE = "debate", _("debate closed")
        OUTCOME = "outcome", _("what became of a contribution")
        INVITATION = "invitation", _("invitation to a questionnaire")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("about"), max_length=300)
    url = models.CharField(_("address"), max_length=500)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("sent by email"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.title[:40]}"


class Follow(models.Model):
    """A person following something: they are notified of what changes about it."""

    class Target(models.TextChoices):
        NODE = "node", _("Mission or part of the plan")
        PROCESS = "process", _("process")
        MEETING = "meeting", _("meeting")
        CONTRIBUTION = "contribution", _("contribution")
        PROJECT = "project", _("project")
        ZONE = "zone", _("zona omogenea")
        DEBATE = "debate", _("debate")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_kind = models.CharField(_("follows a"), max_length=20, choices=Target.choices)
    target_id = models.PositiveBigIntegerField(_("the item"))
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "target_kind", "target_id"], name="follow_once")
        ]
        indexes = [models.Index(fields=["target_kind", "target_id"], name="follow_target")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.target_kind} {self.target_id}"
