"""The Agenda's own programme (the 2024 proposal to MASE): actions, budget, outputs, spending."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus
from territori.frameworks.models import BilingualTitle, Node


class Programme(BilingualTitle, models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_it = models.CharField(_("title (Italian)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    start = models.DateField(_("first month (M1)"))
    months = models.PositiveSmallIntegerField(_("duration in months"))
    source = models.TextField(_("source"), blank=True)
    status = models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.code

    def month_number(self, day: dt.date) -> int:
        """M1 is the first month; a date before it gives 0 or less."""
        return (day.year - self.start.year) * 12 + day.month - self.start.month + 1


class Action(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    node = models.ForeignKey(
        Node,
        verbose_name=_("node"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=400)
    category = models.CharField(_("category"), max_length=300)
    subcategory = models.CharField(_("subcategory"), max_length=300)
    start = models.DateField(_("start (first day of the month)"))
    end = models.DateField(_("end (first day of the last month)"))
    order = models.PositiveIntegerField(_("order"), default=0)
    # Budget in euro, as in the proposal: by cost item, and by funder; both add up to the total.
    personale_interno = models.DecimalField(_("internal staff"), max_digits=12, decimal_places=2)
    acquisto_servizi = models.DecimalField(_("purchased services"), max_digits=12, decimal_places=2)
    spese_generali = models.DecimalField(_("overheads"), max_digits=12, decimal_places=2)
    mase = models.DecimalField(_("share of MASE"), max_digits=12, decimal_places=2)
    cm = models.DecimalField(_("share of the Metropolitan City"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("programme action")
        verbose_name_plural = _("programme actions")
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="programme_action_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:60]}"

    @property
    def total(self) -> Decimal:
        return self.personale_interno + self.acquisto_servizi + self.spese_generali


class Output(models.Model):
    class Status(models.TextChoices):
        NOT_REPORTED = "not_reported", _("not reported yet")
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="outputs")
    title = models.CharField(_("title"), max_length=400)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_REPORTED
    )
    due = models.DateField(_("due"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True, help_text=_("Links, one per line."))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("output")
        verbose_name_plural = _("outputs")
        ordering = ["action", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def evidence_lines(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class Expense(models.Model):
    """Money actually spent on an action, by funder and cost item."""

    class Funder(models.TextChoices):
        MASE = "mase", _("MASE")
        CM = "cm", _("Metropolitan City")

    class CostItem(models.TextChoices):
        STAFF = "personale_interno", _("internal staff")
        SERVICES = "acquisto_servizi", _("purchased services")
        OVERHEADS = "spese_generali", _("overheads")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="expenses")
    funder = models.CharField(_("funder"), max_length=10, choices=Funder.choices)
    cost_item = models.CharField(_("cost item"), max_length=30, choices=CostItem.choices)
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (euro)"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("Act, invoice or payment order.")
    )

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expense_positive")
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.date} {self.amount}"
