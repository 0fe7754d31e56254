"""The atlas: organisations (never private persons), their networks and memberships, and
projects and initiatives (OpenCoesione, PNRR, regional, own) with funding and places."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus
from territori.core.validators import validate_amount
from territori.frameworks.models import Node
from territori.territories.models import Territory


def amount_field(label: Any, **options: Any) -> models.DecimalField[Any, Any]:
    """A euro amount: 16 digits, 2 decimals, within the accepted limit (io/limits.py)."""
    return models.DecimalField(
        label, max_digits=16, decimal_places=2, validators=[validate_amount], **options
    )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_BODY = "public_body", _("public body")
        COMUNE = "comune", _("comune")
        COMPANY = "company", _("company")
        TRADE_ASSOCIATION = "trade_association", _("trade association")
        UNION = "union", _("trade union")
        UNIVERSITY = "university", _("university or research centre")
        THIRD_SECTOR = "third_sector", _("third sector")
        FOUNDATION = "foundation", _("foundation")
        MUSEUM = "museum", _("museum")
        SCHOOL = "school", _("school or training agency")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    fiscal_code = models.CharField(_("fiscal code"), max_length=16, blank=True)
    ipa_code = models.CharField(_("IPA code"), max_length=20, blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("seat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Network(models.Model):
    class Kind(models.TextChoices):
        GREEN_COMMUNITY = "green_community", _("green community")
        GAL = "gal", _("local action group (GAL)")
        RIVER_CONTRACT = "river_contract", _("river or lake contract")
        DISTRICT = "district", _("district")
        UNION_OF_COMUNI = "union_of_comuni", _("union of comuni")
        CONSORTIUM = "consortium", _("consortium")
        PARTNERSHIP = "partnership", _("partnership")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_networks",
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    nodes = models.ManyToManyField(
        Node, verbose_name=_("Missions and strategies it serves"), blank=True, related_name="+"
    )
    sources = models.TextField(_("sources"), blank=True)
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NetworkArea(models.Model):
    """A comune the network covers, from a date (empty: since before records begin)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="areas")
    territory = models.ForeignKey(
        Territory, verbose_name=_("comune"), on_delete=models.CASCADE, related_name="+"
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("area covered")
        verbose_name_plural = _("areas covered")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "territory", "valid_from"], name="network_area_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.network_id} {self.territory_id}"


class Membership(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        PARTNER = "partner", _("partner")
        MEMBER = "member", _("member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network", "valid_from"], name="atlas_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} in {self.network_id} ({self.role})"


class Project(models.Model):
    class Origin(models.TextChoices):
        OPENCOESIONE = "opencoesione", _("cohesion policy (OpenCoesione)")
        PNRR = "pnrr", _("PNRR (ReGiS)")
        REGIONAL = "regional", _("regional")
        OWN = "own", _("own (Metropolitan City)")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        UNKNOWN = "unknown", _("unknown")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    cup = models.CharField(_("CUP"), max_length=15, blank=True, db_index=True)
    local_code = models.CharField(
        _("local project code"), max_length=100, blank=True, db_index=True
    )
    title = models.CharField(_("title"), max_length=600)
    summary = models.TextField(_("summary"), blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    programme_code = models.CharField(_("programme code"), max_length=100, blank=True)
    pnrr_mission = models.CharField(_("PNRR mission"), max_length=10, blank=True)
    pnrr_component = models.CharField(_("PNRR component"), max_length=10, blank=True)
    pnrr_measure = models.CharField(_("PNRR measure"), max_length=40, blank=True)
    implementing_body_name = models.CharField(_("implementing body"), max_length=400, blank=True)
    implementing_body = models.ForeignKey(
        Organisation,
        verbose_name=_("implementing body (organisation)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    total_funding = amount_field(_("total funding"), null=True, blank=True)
    commitments = amount_field(_("commitments"), null=True, blank=True)
    payments = amount_field(_("payments"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    nodes = models.ManyToManyField(
        Node, verbose_name=_("Missions, strategies and actions"), blank=True, related_name="+"
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    data_status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="project_progress_range",
            )
        ]

    def __str__(self) -> str:
        return self.title[:80]


class Funding(models.Model):
    class Source(models.TextChoices):
        EU = "eu", _("European Union")
        PNRR = "pnrr", _("PNRR")
        NATIONAL = "national", _("national")
        REGIONAL = "regional", _("regional")
        LOCAL = "local", _("local")
        PRIVATE = "private", _("private")
        OTHER = "other", _("other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    amount = amount_field(_("amount (euro)"))

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        constraints = [models.UniqueConstraint(fields=["project", "source"], name="funding_unique")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.source} {self.amount}"


class Place(models.Model):
    """A comune where the project happens, with its share of the project (0-1)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="places")
    territory = models.ForeignKey(
        Territory, verbose_name=_("comune"), on_delete=models.CASCADE, related_name="+"
    )
    share = models.FloatField(_("share"))

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(fields=["project", "territory"], name="place_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.territory_id} {self.share:.2f}"


class Phase(models.Model):
    """A phase of the project (design, procurement, works, testing...) with its dates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("phase"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due = models.DateField(_("due"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("Links, one per line."))

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def evidence_lines(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class ProjectUpdate(models.Model):
    """A dated entry of the project's public log: who, when, what changed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    text = models.TextField(_("what happened"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("project update")
        verbose_name_plural = _("project updates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.created_at:%Y-%m-%d}"

    @property
    def change_lines(self) -> list[str]:
        """Readable changes in the active language: {"progress": [20, 55]} → "avanzamento (%):
        20 → 55" (a field's name is the project's field label, never the stored key)."""
        labels = {
            field.name: str(field.verbose_name)
            for field in Project._meta.get_fields()
            if hasattr(field, "verbose_name")
        }
        labels["milestone"] = str(Milestone._meta.verbose_name)
        lines = []
        for key, value in (self.changes or {}).items():
            label = labels.get(key, key)
            if isinstance(value, list) and len(value) == 2:
                old = "–" if value[0] is None else value[0]
                lines.append(f"{label}: {old} → {value[1]}")
            else:
                lines.append(f"{label}: {value}")
        return lines
