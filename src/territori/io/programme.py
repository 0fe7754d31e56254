"""The programme of the agenda's own actions as a YAML file (the layout of
reference/proposta-2024.yaml): months, actions with cost items and funders' shares, outputs.

Pure: every problem is found before anything is written. Each action's total must be the sum of
its cost items and of its funders' shares, and the actions must add up to the proposal's
totals; row numbers are the actions' positions.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import yaml

from .errors import RowError
from .limits import (
    MONTHS_LIMIT,
    PROGRAMME_ACTIONS_LIMIT,
    YAML_BYTES_LIMIT,
    amount_parse,
    year_problem,
)
from .yamlsafe import strict_load

#: The cost items of an action, in the proposal's order; the funders are "mase" and "cm".
COST_ITEMS = ("personale_interno", "acquisto_servizi", "spese_generali")
FUNDERS = ("mase", "cm")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
#: The digits of the programme's amount columns (see `Action`).
AMOUNT_DIGITS = 12


def _month(value: Any, where: str, field: str, errors: list[RowError], row: int) -> dt.date | None:
    text = str(value).strip()
    match = MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        errors.append(RowError(row, field, f"{where}: not a month (YYYY-MM)", text))
        return None
    if problem := year_problem(int(match.group(1))):
        errors.append(RowError(row, field, f"{where}: {problem}", text))
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _amount(value: Any, where: str, field: str, errors: list[RowError], row: int) -> Decimal:
    """An amount within the programme's columns (12 digits, 2 decimals); 0 with an error."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        errors.append(RowError(row, field, f"{where}: not an amount in euro", str(value)[:50]))
        return Decimal(0)
    amount, problem = amount_parse(str(value), digits=AMOUNT_DIGITS)
    if amount is None:
        errors.append(RowError(row, field, f"{where}: {problem}", str(value)[:50]))
        return Decimal(0)
    if amount < 0:
        errors.append(RowError(row, field, f"{where}: negative amount", str(value)))
    return amount


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value in (None, "") else [value]


def _mapping(proposal: dict[str, Any], key: str, errors: list[RowError]) -> dict[str, Any]:
    value = proposal.get(key) or {}
    if isinstance(value, dict):
        return value
    errors.append(RowError(0, key, "not a mapping", str(value)[:50]))
    return {}


def programme_parse(data: bytes) -> tuple[dict[str, Any], list[dict[str, Any]], list[RowError]]:
    """The programme's fields and its actions, or every problem (row = action's position)."""
    errors: list[RowError] = []
    if len(data) > YAML_BYTES_LIMIT:
        return {}, [], [RowError(0, "file", f"larger than {YAML_BYTES_LIMIT // 1024**2} MB")]
    try:
        document = strict_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return {}, [], [RowError(0, "file", f"not a readable YAML file ({exc})")]
    proposal = document.get("proposal") if isinstance(document, dict) else None
    if not isinstance(proposal, dict):
        return {}, [], [RowError(0, "proposal", "the file has no 'proposal' section")]
    months = _mapping(proposal, "months", errors)
    start = _month(months.get("M1", ""), "programme", "months.M1", errors, 0)
    duration = proposal.get("duration_months")
    if isinstance(duration, bool) or not isinstance(duration, int) or duration < 1:
        errors.append(RowError(0, "duration_months", "not a whole number of months", str(duration)))
        duration = 0
    elif duration > MONTHS_LIMIT:
        errors.append(
            RowError(0, "duration_months", f"longer than {MONTHS_LIMIT} months", str(duration))
        )
        duration = 0
    totals = proposal.get("totals") or {}
    categories = _mapping(proposal, "categories", errors)
    subcategories = _mapping(proposal, "subcategories", errors)
    actions: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    items = proposal.get("actions")
    if not isinstance(items, list) or not items:
        errors.append(RowError(0, "actions", "the proposal lists no actions"))
        items = []
    elif len(items) > PROGRAMME_ACTIONS_LIMIT:
        errors.append(
            RowError(
                0, "actions", f"more than {PROGRAMME_ACTIONS_LIMIT:,} actions", str(len(items))
            )
        )
        items = []
    for row, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(
                RowError(row, "actions", "not an action (code, title, start, end, budget)")
            )
            continue
        code = str(item.get("code", "")).strip()
        where = f"action {code or row}"
        if not code:
            errors.append(RowError(row, "code", f"{where}: no code"))
            continue
        if code in seen:
            errors.append(
                RowError(row, "code", f"{where}: duplicate (also action {seen[code]})", code)
            )
            continue
        seen[code] = row
        raw_budget = item.get("budget")
        budget: dict[str, Any] = raw_budget if isinstance(raw_budget, dict) else {}
        amounts = {
            key: _amount(budget.get(key, "missing"), where, f"budget.{key}", errors, row)
            for key in (*COST_ITEMS, "total", "cm", "mase")
        }
        if sum(amounts[k] for k in COST_ITEMS) != amounts["total"]:
            errors.append(
                RowError(
                    row,
                    "budget.total",
                    f"{where}: the cost items add up to "
                    f"{sum(amounts[k] for k in COST_ITEMS)}, not {amounts['total']}",
                )
            )
        if amounts["cm"] + amounts["mase"] != amounts["total"]:
            errors.append(
                RowError(
                    row,
                    "budget.cm",
                    f"{where}: the funders' shares add up to "
                    f"{amounts['cm'] + amounts['mase']}, not {amounts['total']}",
                )
            )
        first = _month(item.get("start", ""), where, "start", errors, row)
        last = _month(item.get("end", ""), where, "end", errors, row)
        if first and last and first > last:
            errors.append(
                RowError(row, "end", f"{where}: ends before it starts", str(item.get("end")))
            )
        if start and duration and first and last:
            final = dt.date(
                start.year + (start.month - 1 + duration - 1) // 12,
                (start.month - 1 + duration - 1) % 12 + 1,
                1,
            )
            if first < start or last > final:
                errors.append(
                    RowError(
                        row, "start", f"{where}: outside the programme's months M1-M{duration}"
                    )
                )
        subcategory = ".".join(code.split(".")[:2])
        actions.append(
            {
                "row": row,
                "code": code,
                "title": str(item.get("title", "")).strip(),
                "start": first,
                "end": last,
                "category": str(categories.get(code.split(".")[0], "")),
                "subcategory": str(subcategories.get(subcategory, "")),
                "outputs": [str(o) for o in _list(item.get("outputs"))],
                **{k: amounts[k] for k in (*COST_ITEMS, "cm", "mase")},
            }
        )
    expected = {
        "total": sum(
            (a["personale_interno"] + a["acquisto_servizi"] + a["spese_generali"] for a in actions),
            Decimal(0),
        ),
        "mase": sum((a["mase"] for a in actions), Decimal(0)),
        "regione_cm": sum((a["cm"] for a in actions), Decimal(0)),
        **{k: sum((a[k] for a in actions), Decimal(0)) for k in COST_ITEMS},
    }
    if not isinstance(totals, dict):
        errors.append(RowError(0, "totals", "not a mapping of totals", str(totals)[:50]))
        totals = {}
    for key, value in expected.items():
        if key not in totals:
            continue
        stated = _amount(totals[key], "programme", f"totals.{key}", errors, 0)
        if stated != value:
            errors.append(
                RowError(0, f"totals.{key}", f"the actions add up to {value}, not {totals[key]}")
            )
    fields = {"start": start, "months": duration}
    return fields, actions, errors
