"""Questionnaires, their questions, responses and answers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.frameworks.models import Bilingual, pick_language

from .base import data_status_field, private_storage
from .processes import Process


class Questionnaire(Bilingual, models.Model):
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
    data_status = data_status_field()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title_it

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
    data_status = data_status_field()

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


class QuestionnaireInvitation(models.Model):
    """An invitation to answer, sent to someone who took part in the questionnaire's
    process, with its reminders. `responded` says only that the person answered, never
    what: for anonymous questionnaires it is set from the same one-way key that allows one
    response per person."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questionnaire_invitations"
    )
    sent_at = models.DateTimeField(_("invited"), default=timezone.now)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_sent_at = models.DateTimeField(_("last email"), default=timezone.now)
    responded = models.BooleanField(_("responded"), default=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["questionnaire", "sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "user"], name="questionnaire_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} {self.user_id}"
