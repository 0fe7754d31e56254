"""What became of a contribution: the action of a plan, the project or the programme output
it led to; the result's own progress is read from there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Project
from territori.frameworks.models import Node, pick_language
from territori.programme.models import Output

from .contributions import Contribution


class ContributionOutcome(models.Model):
    class Kind(models.TextChoices):
        NODE = "node", _("action of the plan")
        PROJECT = "project", _("project")
        OUTPUT = "output", _("output of the programme")

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="outcomes"
    )
    node = models.ForeignKey(
        Node,
        verbose_name=_("action, strategy or Mission"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    output = models.ForeignKey(
        Output,
        verbose_name=_("output of the programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note_it = models.TextField(_("how the contribution was used (Italian)"), blank=True)
    note_en = models.TextField(_("how the contribution was used (English)"), blank=True)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("outcome of a contribution")
        verbose_name_plural = _("outcomes of contributions")
        ordering = ["contribution", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(node__isnull=False, project__isnull=True, output__isnull=True)
                    | models.Q(node__isnull=True, project__isnull=False, output__isnull=True)
                    | models.Q(node__isnull=True, project__isnull=True, output__isnull=False)
                ),
                name="outcome_exactly_one_result",
            ),
            models.UniqueConstraint(
                fields=["contribution", "node"],
                condition=models.Q(node__isnull=False),
                name="outcome_node_once",
            ),
            models.UniqueConstraint(
                fields=["contribution", "project"],
                condition=models.Q(project__isnull=False),
                name="outcome_project_once",
            ),
            models.UniqueConstraint(
                fields=["contribution", "output"],
                condition=models.Q(output__isnull=False),
                name="outcome_output_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id} → {self.kind}"

    @property
    def kind(self) -> str:
        if self.node_id:
            return self.Kind.NODE
        if self.project_id:
            return self.Kind.PROJECT
        return self.Kind.OUTPUT

    @property
    def note(self) -> str:
        return pick_language(self.note_it, self.note_en)
