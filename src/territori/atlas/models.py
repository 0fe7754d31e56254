"""The atlas: organisations (never private persons), their networks and memberships.

Projects and initiatives (OpenCoesione, PNRR) come with the rest of the atlas.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.territories.models import Territory


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
