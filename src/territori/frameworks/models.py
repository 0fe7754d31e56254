"""The agenda graph: frameworks, their trees of nodes, and links across frameworks."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus


def pick_language(italian: str, english: str) -> str:
    """English text when the interface is in English and there is one, else Italian."""
    if (get_language() or "it").startswith("en") and english:
        return english
    return italian


class BilingualTitle:
    """`title` in the interface's language, for a model with the fields `title_it` and
    `title_en` (English when asked for and written, else Italian)."""

    title_it: str
    title_en: str

    @property
    def title(self) -> str:
        return pick_language(self.title_it, self.title_en)


class Bilingual(BilingualTitle):
    """`title` and `description` in the interface's language (fields `title_it`,
    `title_en`, `description_it`, `description_en`)."""

    description_it: str
    description_en: str

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)


#: The UN Sustainable Development Goals: the same framework for every city.
SDG_FRAMEWORK = "sdg"
#: ISTAT's BES domains (Benessere equo e sostenibile): the same for every city; comparisons
#: group indicators by them unless another framework is chosen.
BES_FRAMEWORK = "bes"


class FrameworkRole(models.TextChoices):
    """What a framework is to the site: the portal finds its agenda and plan by role, never by code."""

    AGENDA = "agenda", _("the metropolitan agenda")
    PLAN = "plan", _("the strategic plan")
    NATIONAL = "national", _("the national strategy")
    REGIONAL = "regional", _("the regional strategy")


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_it = models.CharField(_("name (Italian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    version = models.CharField(_("version"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    levels = models.JSONField(
        _("level names"),
        default=list,
        blank=True,
        help_text=_('Ordered list of levels: [{"code": "axis", "it": "Asse", "en": "Axis"}, ...]'),
    )
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )
    source = models.TextField(_("source"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=FrameworkRole.choices,
        blank=True,
        default="",
        help_text=_(
            "What this framework is to the site (at most one framework per role): the agenda's "
            "Missions and the plan's axes are found through it."
        ),
    )

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=~models.Q(role=""), name="framework_unique_role"
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.code

    @property
    def name(self) -> str:
        return pick_language(self.name_it, self.name_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_it, self.description_en)

    @property
    def name_is_fallback(self) -> bool:
        return self.name == self.name_it and (get_language() or "it").startswith("en")

    def level_label(self, level: str) -> str:
        for item in self.levels or []:
            if item.get("code") == level:
                return pick_language(item.get("it", level), item.get("en", ""))
        return level

    def level_codes(self) -> list[str]:
        return [str(item.get("code")) for item in self.levels or []]

    @property
    def goal_level(self) -> str:
        """The level that carries the framework's goals: the agenda's Missions, the plan's
        strategies. The second level when the first groups them (MAS → Missione,
        Asse → Strategia), the only one otherwise."""
        codes = self.level_codes()
        if not codes:
            return ""
        return codes[1] if len(codes) > 1 else codes[0]

    @property
    def top_level(self) -> str:
        """The framework's first level (the agenda's macro-areas, the plan's axes)."""
        codes = self.level_codes()
        return codes[0] if codes else ""

    def get_absolute_url(self) -> str:
        return reverse("portal:framework", kwargs={"code": self.code})


class Node(Bilingual, models.Model):
    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.CASCADE, related_name="nodes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=40)
    code = models.CharField(_("code"), max_length=60)
    title_it = models.CharField(_("title (Italian)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    #: Place in the framework read as a tree (a parent before its children, siblings by
    #: order then by code read as numbers: 1.1, 1.2 … 1.10, 2.1); kept by
    #: `frameworks.services.node_positions_refresh`.
    position = models.PositiveIntegerField(_("position in the tree"), default=0, editable=False)
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )
    source = models.TextField(_("source"), blank=True)
    attributes = models.JSONField(
        _("attributes"),
        default=dict,
        blank=True,
        help_text=_("Extra facts of this node (dates, budget, outputs), as key and value."),
    )
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("node")
        verbose_name_plural = _("nodes")
        ordering = ["framework__order", "framework__code", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="node_unique_code_per_framework"
            )
        ]
        indexes = [
            models.Index(fields=["framework", "parent", "order"], name="node_tree_idx"),
            models.Index(fields=["framework", "position"], name="node_position_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.framework_id and self.framework.code} {self.code}"

    @property
    def title_is_fallback(self) -> bool:
        """True when an English page shows the Italian title (marked lang="it")."""
        return (get_language() or "it").startswith("en") and not self.title_en

    @property
    def is_mission(self) -> bool:
        """A goal of the site's agenda (a Mission of the AMSvS)."""
        return (
            self.framework.role == FrameworkRole.AGENDA and self.level == self.framework.goal_level
        )

    def get_absolute_url(self) -> str:
        return reverse("portal:node", kwargs={"framework": self.framework.code, "code": self.code})


class Link(models.Model):
    class Kind(models.TextChoices):
        CONTRIBUTES_TO = "contributes_to", _("contributes to")
        CORRESPONDS_TO = "corresponds_to", _("corresponds to")
        PART_OF = "part_of", _("is part of")

    source_node = models.ForeignKey(
        Node, verbose_name=_("from"), on_delete=models.CASCADE, related_name="links_out"
    )
    target_node = models.ForeignKey(
        Node, verbose_name=_("to"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    source = models.TextField(_("source"), blank=True)
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["source_node__framework__order", "source_node__code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_node", "target_node", "kind"], name="link_unique_triple"
            ),
            models.CheckConstraint(
                condition=~models.Q(source_node=models.F("target_node")), name="link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_node} → {self.target_node} ({self.kind})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.source_node_id
            and self.target_node_id
            and self.source_node.framework_id == self.target_node.framework_id
        ):
            raise ValidationError(_("A link joins nodes of two different frameworks."))

    def natural_key(self) -> tuple[Any, ...]:
        return (self.source_node_id, self.target_node_id, self.kind)
