"""Reads of the programme: actions with budget, spending and outputs, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from territori.io.programme import COST_ITEMS

from .models import Action, Expense, Output, Programme


@dataclass
class ActionRow:
    action: Action
    start_month: int
    end_month: int
    spent: dict[str, Decimal] = field(default_factory=dict)  # by funder

    @property
    def spent_total(self) -> Decimal:
        return sum(self.spent.values(), Decimal(0))

    @property
    def share_spent(self) -> int:
        total = self.action.total
        return round(100 * self.spent_total / total) if total else 0


def month_after(day: dt.date) -> dt.date:
    """The first day of the month after `day`'s."""
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass
class LateOutput:
    """An output not reported done after its due date (or, without one, after the end of its
    action's last month)."""

    action: Action
    output: Output
    due: dt.date


@dataclass
class Overview:
    programme: Programme
    rows: list[ActionRow]
    totals: dict[str, Decimal]
    today_month: int
    late: list[LateOutput] = field(default_factory=list)

    @property
    def end(self) -> dt.date:
        """The first day after the programme's last month."""
        start = self.programme.start
        months = start.month - 1 + self.programme.months
        return dt.date(start.year + months // 12, months % 12 + 1, 1)

    @property
    def past_end(self) -> bool:
        return self.today_month > self.programme.months

    @property
    def months_past_end(self) -> int:
        return max(0, self.today_month - self.programme.months)

    @property
    def late_ids(self) -> set[int]:
        return {item.output.pk for item in self.late}


def programme_overview(*, programme: Programme, today: dt.date) -> Overview:
    actions = list(
        Action.objects.filter(programme=programme)
        .select_related("node__framework")
        .prefetch_related(Prefetch("outputs", queryset=Output.objects.order_by("order", "id")))
    )
    spent: dict[tuple[int, str], Decimal] = {
        (action_id, funder): amount
        for action_id, funder, amount in Expense.objects.filter(action__programme=programme)
        .values_list("action_id", "funder")
        .annotate(amount=Sum("amount"))
        .values_list("action_id", "funder", "amount")
    }
    rows = [
        ActionRow(
            action=a,
            start_month=programme.month_number(a.start),
            end_month=programme.month_number(a.end),
            spent={f: spent.get((a.pk, f), Decimal(0)) for f in ("mase", "cm")},
        )
        for a in actions
    ]
    totals: dict[str, Decimal] = {
        key: sum((getattr(r.action, key) for r in rows), Decimal(0))
        for key in (*COST_ITEMS, "mase", "cm")
    }
    totals["total"] = sum((r.action.total for r in rows), Decimal(0))
    totals["spent_mase"] = sum((r.spent["mase"] for r in rows), Decimal(0))
    totals["spent_cm"] = sum((r.spent["cm"] for r in rows), Decimal(0))
    totals["spent"] = totals["spent_mase"] + totals["spent_cm"]
    late = [
        LateOutput(action=a, output=o, due=o.due or month_after(a.end))
        for a in actions
        for o in a.outputs.all()
        if o.status != Output.Status.DONE and (o.due or month_after(a.end)) <= today
    ]
    return Overview(
        programme=programme,
        rows=rows,
        totals=totals,
        today_month=programme.month_number(today),
        late=late,
    )


def latest_programme() -> Programme | None:
    return Programme.objects.order_by("-start").first()


def has_expenses(*, programme: Programme) -> bool:
    return Expense.objects.filter(action__programme=programme).exists()


def programme_expenses(*, programme: Programme) -> QuerySet[Expense]:
    """The programme's recorded expenses with their action."""
    return Expense.objects.filter(action__programme=programme).select_related("action")


def actions_serving(*, node_ids: list[int]) -> list[Action]:
    """The programme actions whose node is one of these (the node itself or those linked to
    it), with their programme."""
    return list(
        Action.objects.filter(node_id__in=node_ids)
        .select_related("programme")
        .order_by("programme__start", "order", "code")
    )
