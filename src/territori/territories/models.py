"""Territories (Italy down to the comuni, zone omogenee, custom groupings) and dated memberships."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus


class Territory(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("country")
        REGION = "region", _("region")
        PROVINCE = "province", _("province")
        METRO_CITY = "metro_city", _("metropolitan city")
        ZONA = "zona", _("zona omogenea")
        COMUNE = "comune", _("comune")
        CUSTOM = "custom", _("custom grouping")

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("ISTAT code (comuni: 6 digits, e.g. 001272) or the platform's own code."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        blank=True,
        help_text=_("For tables comparing territories: 'Torino' for the metropolitan city."),
    )
    number = models.PositiveSmallIntegerField(
        _("number"), null=True, blank=True, help_text=_("The zona omogenea's number (1-11).")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry, WGS84)"), null=True, blank=True)
    boundary_source = models.CharField(_("boundary source"), max_length=300, blank=True)
    members_status = models.CharField(
        _("member list"),
        max_length=20,
        choices=DataStatus.choices,
        default=DataStatus.CONFIRMED,
        help_text=_("For zone and groupings: whether the list of member comuni is complete."),
    )
    nuts_code = models.CharField(
        _("NUTS 2021 code"), max_length=10, blank=True, help_text=_("E.g. ITC11 for Torino.")
    )
    valid_from = models.DateField(
        _("exists from"), null=True, blank=True, help_text=_("Empty: since before records begin.")
    )
    valid_to = models.DateField(
        _("exists until"),
        null=True,
        blank=True,
        help_text=_("Set for territories that no longer exist (e.g. suppressed provinces)."),
    )
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["kind", "number", "name"]
        indexes = [models.Index(fields=["kind", "name"], name="territory_kind_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        if (get_language() or "it").startswith("en") and self.name_en:
            return self.name_en
        return self.name

    @property
    def label(self) -> str:
        """The short name where there is one (comparisons), else the display name."""
        return self.short_name or self.display_name

    def get_absolute_url(self) -> str:
        return reverse("portal:territory", kwargs={"code": self.code})

    @property
    def is_active(self) -> bool:
        return self.valid_to is None


class TerritoryAlias(models.Model):
    """Another name or code by which files refer to a territory ("Bolzano/Bozen", "ITC45")."""

    class Scheme(models.TextChoices):
        NAME = "name", _("name")
        NUTS = "nuts", _("NUTS code")
        ITTER107 = "itter107", _("ISTAT ITTER107 code")
        ISTAT = "istat", _("ISTAT code")

    territory = models.ForeignKey(
        Territory, verbose_name=_("territory"), on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(_("alias"), max_length=200)
    key = models.CharField(_("matching key"), max_length=200, unique=True, editable=False)
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("territory alias")
        verbose_name_plural = _("territory aliases")
        ordering = ["territory", "scheme", "alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.territory_id}"


class Membership(models.Model):
    """A comune's membership of a zona omogenea or a custom grouping, over a period."""

    member = models.ForeignKey(
        Territory, verbose_name=_("member"), on_delete=models.CASCADE, related_name="memberships"
    )
    group = models.ForeignKey(
        Territory, verbose_name=_("group"), on_delete=models.CASCADE, related_name="member_links"
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: since before records begin.")
    )
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Empty: still valid.")
    )
    source = models.TextField(_("source"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "member__name", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "group", "valid_from"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.valid_from or '…'} – {self.valid_to or '…'}"
        return f"{self.member} ∈ {self.group} ({period})"

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Topology(models.Model):
    """A simplified TopoJSON of a set of boundaries, built once and served from here."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    data = models.JSONField(_("TopoJSON"))
    source_checksum = models.CharField(_("checksum of the boundaries"), max_length=64)
    built_at = models.DateTimeField(_("built at"), auto_now=True)
    feature_count = models.PositiveIntegerField(_("features"), default=0)

    class Meta:
        verbose_name = _("topology")
        verbose_name_plural = _("topologies")

    def __str__(self) -> str:
        return self.key


def valid_on(day: dt.date) -> Q:
    """Memberships valid on a day (an empty bound is open)."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
