"""Participation: processes and their phases, standing bodies (Forum Missioni, Cabina di
regia), meetings with registrations, online contributions, questionnaires, the newsletter,
participants' accounts, the stakeholder registry and consent records.

Organisations come from the atlas: bodies are made of organisations, never of named people.
Files are kept in the private storage (outside the web root) and served by views that check
who is asking.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation
from territori.core.models import DataStatus
from territori.core.richtext import sanitise_html
from territori.frameworks.models import Node, pick_language
from territori.territories.models import Territory


def private_storage() -> Storage:
    """Uploaded documents: outside the web root, served only through permission checks."""
    return storages["private"]


def _data_status() -> models.CharField:
    return models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )


class StoredFile(models.Model):
    """A checked upload (type recognised from its content) in the private storage."""

    file = models.FileField(_("file"), storage=private_storage, upload_to="participation/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    media_type = models.CharField(_("media type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


# --- Accounts, consent and the stakeholder registry -------------------------------------


class Participant(models.Model):
    """A participant's profile: the account is Django's user, the email is verified here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant"
    )
    display_name = models.CharField(
        _("public name"),
        max_length=80,
        help_text=_("Shown beside your contributions; a nickname is fine."),
    )
    email_verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.display_name

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None


class LoginFailure(models.Model):
    """A failed login; too many in a short time lock the account name out for a while."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class ContactPoint(models.Model):
    """How to reach an organisation of the stakeholder registry (an office, preferably)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contact_points",
    )
    function = models.CharField(
        _("office or function"), max_length=200, help_text=_("For example: secretariat.")
    )
    name = models.CharField(
        _("contact person"),
        max_length=200,
        blank=True,
        help_text=_("Only with the person's consent; an office is preferred."),
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("stakeholder registry: contact points")
        ordering = ["organisation__name", "function"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.function}"


class ConsentRecord(models.Model):
    """What someone agreed to: the exact text and its version, when, for which purpose."""

    class Purpose(models.TextChoices):
        ACCOUNT = "account", _("participant account")
        CONTRIBUTION = "contribution", _("publishing a contribution")
        REGISTRATION = "registration", _("meeting registration")
        QUESTIONNAIRE = "questionnaire", _("questionnaire")
        NEWSLETTER = "newsletter", _("newsletter")
        CONTACT = "contact", _("stakeholder registry contact")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    contact = models.ForeignKey(
        ContactPoint, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    email = models.EmailField(_("email"), blank=True, help_text=_("For the newsletter."))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    text = models.TextField(_("text agreed to"))
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.text_version} {self.given_at:%Y-%m-%d}"


# --- Processes and bodies ----------------------------------------------------------------


class Process(models.Model):
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
    data_status = _data_status()

    class Meta:
        verbose_name = _("participatory process")
        verbose_name_plural = _("participatory processes")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title_it

    @property
    def title(self) -> str:
        return pick_language(self.title_it, self.title_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)


class ProcessPhase(models.Model):
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

    @property
    def title(self) -> str:
        return pick_language(self.title_it, self.title_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)

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
    data_status = _data_status()

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


class Meeting(models.Model):
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
    data_status = _data_status()

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
    def title(self) -> str:
        return pick_language(self.title_it, self.title_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)

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


class AgendaItem(models.Model):
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

    @property
    def title(self) -> str:
        return pick_language(self.title_it, self.title_en)


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
    data_status = _data_status()

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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "user"], name="support_once")
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


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
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
        related_name="questionnaires",
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_(
            "Anonymous: answers are not linked to the account (one response per person is "
            "still enforced through a one-way key)."
        ),
    )
    results_public = models.BooleanField(_("results public"), default=True)
    data_status = _data_status()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title_it

    @property
    def title(self) -> str:
        return pick_language(self.title_it, self.title_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        SCALE = "scale", _("scale")
        MATRIX = "matrix", _("matrix")
        RANKING = "ranking", _("ranking")
        FILE = "file", _("file upload")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Short name used in the exports' column headers.")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text_it = models.CharField(_("question (Italian)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_it = models.CharField(_("help (Italian)"), max_length=500, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_("Choices, matrix columns or items to rank: a list of texts."),
    )
    rows = models.JSONField(_("matrix rows"), default=list, blank=True)
    allow_other = models.BooleanField(_("“other” with text"), default=False)
    scale_min = models.SmallIntegerField(_("scale from"), default=1)
    scale_max = models.SmallIntegerField(_("scale to"), default=5)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=80, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=80, blank=True)
    show_if_question = models.ForeignKey(
        "self",
        verbose_name=_("show only if the question"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    show_if_values = models.JSONField(_("…was answered with one of"), default=list, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique"),
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text_it}"

    @property
    def text(self) -> str:
        return pick_language(self.text_it, self.text_en)

    @property
    def help(self) -> str:
        return pick_language(self.help_it, self.help_en)

    @property
    def scale_values(self) -> list[int]:
        return list(range(self.scale_min, self.scale_max + 1))


class QuestionnaireResponse(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questionnaire_responses",
        help_text=_("Only for identified questionnaires."),
    )
    respondent_key = models.CharField(
        max_length=64, help_text=_("A one-way key of the account: one response per person.")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    data_status = _data_status()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent_key"], name="response_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="questionnaires/%Y/%m/", blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    media_type = models.CharField(_("media type"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"{self.response_id} {self.question_id}"


# --- Newsletter ------------------------------------------------------------------------------


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
    data_status = _data_status()

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
