"""Prioritisation in a process phase (seed 003: narrowing the options "secondo una logica di
priorità e fattibilità"): participants, or organisations through their delegates, rank the
options or share points among them, and may rate how feasible each one is."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation
from territori.frameworks.models import Bilingual, Node

from .base import data_status_field
from .contributions import Contribution
from .processes import ProcessPhase

#: Feasibility is rated on this scale (1 = hardly feasible, 5 = easily feasible).
FEASIBILITY_MIN, FEASIBILITY_MAX = 1, 5


class Prioritisation(Bilingual, models.Model):
    class Method(models.TextChoices):
        POINTS = "points", _("share points among the options")
        RANKING = "ranking", _("rank the options")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    phase = models.ForeignKey(
        ProcessPhase,
        verbose_name=_("phase"),
        on_delete=models.CASCADE,
        related_name="prioritisations",
    )
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    method = models.CharField(
        _("method"), max_length=10, choices=Method.choices, default=Method.POINTS
    )
    points = models.PositiveSmallIntegerField(
        _("points to share"),
        default=10,
        help_text=_("With points: how many each participant shares among the options."),
    )
    ranked = models.PositiveSmallIntegerField(
        _("options to rank"),
        default=3,
        help_text=_(
            "With ranking: how many options each participant puts in order; the first gets "
            "this many points, the last one point (Borda count)."
        ),
    )
    ask_feasibility = models.BooleanField(_("ask how feasible each option is"), default=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    results_public = models.BooleanField(_("results public while open"), default=True)
    data_status = data_status_field()

    class Meta:
        verbose_name = _("prioritisation")
        verbose_name_plural = _("prioritisations")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="prioritisation_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(points__gte=1, points__lte=1000),
                name="prioritisation_points_range",
            ),
            models.CheckConstraint(
                condition=models.Q(ranked__gte=1, ranked__lte=50),
                name="prioritisation_ranked_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title_it

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class PriorityOption(Bilingual, models.Model):
    """One option: a contribution accepted in an earlier phase, an action of a plan, or
    an option written by the staff."""

    prioritisation = models.ForeignKey(
        Prioritisation, on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("from the contribution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    node = models.ForeignKey(
        Node,
        verbose_name=_("action of the plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["prioritisation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["prioritisation", "position"], name="priority_option_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title_it}"


class PriorityBallot(models.Model):
    """One participant's (or one organisation's) choices; `voter_key`, a one-way key of the
    account or of the organisation, allows one ballot each. The account is kept only to let
    its owner see, change and download the ballot; deleting the account keeps the ballot
    in the results, unlinked."""

    prioritisation = models.ForeignKey(
        Prioritisation, on_delete=models.CASCADE, related_name="ballots"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="priority_ballots",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voter_key = models.CharField(max_length=64)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["prioritisation", "voter_key"], name="priority_ballot_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prioritisation_id} #{self.pk}"


class PriorityChoice(models.Model):
    """The points given to an option, or its place in the ranking (1 = first), and the
    feasibility rating, if given."""

    ballot = models.ForeignKey(PriorityBallot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PriorityOption, on_delete=models.CASCADE, related_name="choices")
    points = models.PositiveSmallIntegerField(_("points"), default=0)
    rank = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    feasibility = models.PositiveSmallIntegerField(_("feasibility"), null=True, blank=True)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="priority_choice_once"),
            models.CheckConstraint(
                condition=models.Q(feasibility__isnull=True)
                | models.Q(feasibility__gte=FEASIBILITY_MIN, feasibility__lte=FEASIBILITY_MAX),
                name="priority_feasibility_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.option_id}"
