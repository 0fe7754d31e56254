"""Model validators and column checks built on the limits of `territori.io.limits`: the staff
forms and the admin refuse what the importers refuse, with the same limits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from territori.io.errors import RowError
from territori.io.limits import AMOUNT_LIMIT, VALUE_LIMIT, YEAR_MAX, YEAR_MIN


def validate_value(value: float | None) -> None:
    """Model validator of indicator values, targets and limits (staff forms and the admin)."""
    if value is None:
        return
    if not math.isfinite(float(value)):
        raise ValidationError(
            _("Not a finite number (NaN and infinity are refused)."), code="finite"
        )
    if abs(float(value)) > VALUE_LIMIT:
        raise ValidationError(
            _("Beyond the accepted range (±%(limit)s)."), params={"limit": "1e15"}, code="range"
        )


def validate_year(value: int | None) -> None:
    if value is not None and not YEAR_MIN <= int(value) <= YEAR_MAX:
        raise ValidationError(
            _("Year outside %(min)s-%(max)s."),
            params={"min": YEAR_MIN, "max": YEAR_MAX},
            code="range",
        )


def validate_amount(value: Decimal | None) -> None:
    """Model validator of euro amounts (the admin's project and funding forms)."""
    if value is not None and (not value.is_finite() or abs(value) >= AMOUNT_LIMIT):
        raise ValidationError(
            _("Not an amount below %(limit)s euro."), params={"limit": "10^13"}, code="range"
        )


def text_problems(
    model: Any, values: Mapping[str, Any], *, row: int, label: str = ""
) -> list[RowError]:
    """Text values that the model's columns cannot hold: longer than the column (PostgreSQL
    refuses them, SQLite would keep them whole) or holding a NUL character."""
    problems = []
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        try:
            limit = getattr(model._meta.get_field(name), "max_length", None)
        except FieldDoesNotExist:
            continue
        if "\x00" in value:
            problems.append(RowError(row, f"{label}{name}", "a NUL character (0x00)"))
        elif limit and len(value) > limit:
            problems.append(
                RowError(
                    row,
                    f"{label}{name}",
                    f"longer than {limit} characters ({len(value):,})",
                    value[:50],
                )
            )
    return problems
