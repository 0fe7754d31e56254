"""Backcasting roadmaps of a Mission: from a desired state at a horizon (2030, 2050), the
milestones back to today, each linked to the actions, projects and indicators that carry
it; edited by the Mission's working group, every save kept as a numbered version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Project
from territori.frameworks.models import Bilingual, BilingualTitle, Node, pick_language
from territori.indicators.models import Indicator

from .base import data_status_field
from .processes import Body


class Roadmap(BilingualTitle, models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    node = models.ForeignKey(
        Node, verbose_name=_("Mission"), on_delete=models.CASCADE, related_name="+"
    )
    body = models.ForeignKey(
        Body,
        verbose_name=_("working group that edits it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roadmaps",
    )
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    vision_it = models.TextField(_("desired state (Italian)"))
    vision_en = models.TextField(_("desired state (English)"), blank=True)
    horizon = models.PositiveSmallIntegerField(_("horizon (year)"), default=2030)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    data_status = data_status_field()

    class Meta:
        verbose_name = _("roadmap")
        verbose_name_plural = _("roadmaps")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(horizon__gte=2000, horizon__lte=2100), name="roadmap_horizon"
            )
        ]

    def __str__(self) -> str:
        return self.title_it

    @property
    def vision(self) -> str:
        return pick_language(self.vision_it, self.vision_en)


class Milestone(Bilingual, models.Model):
    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    title_it = models.CharField(_("title (Italian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    nodes = models.ManyToManyField(Node, verbose_name=_("actions"), blank=True, related_name="+")
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), blank=True, related_name="+"
    )
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators that show progress"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["roadmap", "-year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="milestone_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title_it}"


class RoadmapVersion(models.Model):
    """What the roadmap was after a save: its text and milestones, as JSON."""

    roadmap = models.ForeignKey(Roadmap, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    content = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("roadmap version")
        verbose_name_plural = _("roadmap versions")
        ordering = ["roadmap", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["roadmap", "number"], name="roadmap_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.roadmap_id} v{self.number}"
