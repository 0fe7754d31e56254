"""The limits every number, year and file from outside must respect, checked in one place.

Every reader (observations, projects, programme, frameworks, coherence scores), the API and
the staff forms (through the model validators below) use these functions, so a value is
refused with the same reason wherever it comes from. `docs/operations.md` lists them.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

#: Years of observations, targets, programme months and project dates.
YEAR_MIN, YEAR_MAX = 1900, 2100
#: Absolute bound of an indicator value, target or natural limit. A stored value this large
#: still sums over every comune of Italy without overflowing a double.
VALUE_LIMIT = 1e15
#: Euro amounts are stored with 16 digits, 2 of them decimals, but accepted only below 10^13
#: euro: SQLite hands decimals back through a 15-significant-digit float, and a value above
#: that no longer fits the column when read (ten thousand billion euro is beyond any project).
AMOUNT_DIGITS, AMOUNT_DECIMALS = 16, 2
AMOUNT_LIMIT = Decimal(10) ** 13
#: Longest programme (months) and longest project or action (years) accepted.
MONTHS_LIMIT = 600
#: Data rows a single file of observations may hold; larger files are refused while read.
ROWS_LIMIT = 200_000
#: The same bound for the other importers, whose rows cost more to validate and write.
FRAMEWORK_ROWS_LIMIT = 20_000  # nodes (and links) of one framework file
PROJECT_ROWS_LIMIT = 30_000  # rows of one OpenCoesione / ReGiS file
ATLAS_ROWS_LIMIT = 20_000  # organisations, networks or memberships
ZONE_ROWS_LIMIT = 20_000  # comuni of a zone list (Italy has under 8,000)
PROGRAMME_ACTIONS_LIMIT = 2_000
#: A rejected import keeps its file whole up to this size, otherwise only its first
#: REJECTED_HEAD_BYTES (with its size and SHA-256), beside the first 1,000 problems.
REJECTED_KEPT_BYTES = 2 * 1024 * 1024
REJECTED_HEAD_BYTES = 1024 * 1024
#: YAML files (frameworks, programme) larger than this are refused before they are parsed.
YAML_BYTES_LIMIT = 5 * 1024 * 1024
#: Problems listed per kind (field and reason) before the rest are only counted.
ERRORS_PER_KIND = 20


def value_problem(value: float) -> str | None:
    """Why a float cannot be stored as an indicator value, or None."""
    if not math.isfinite(value):
        return "not a finite number (NaN and infinity are refused)"
    if abs(value) > VALUE_LIMIT:
        return f"beyond the accepted range (±{VALUE_LIMIT:.0e})"
    return None


def number_parse(text: str) -> tuple[float | None, str | None]:
    """A plain decimal number (point as separator) within VALUE_LIMIT, or the reason not."""
    try:
        value = float(text.strip())
    except ValueError:
        return None, "not a number"
    problem = value_problem(value)
    return (None, problem) if problem else (value, None)


def year_problem(year: int) -> str | None:
    if not YEAR_MIN <= year <= YEAR_MAX:
        return f"year outside {YEAR_MIN}-{YEAR_MAX}"
    return None


def amount_parse(text: str, *, digits: int = AMOUNT_DIGITS) -> tuple[Decimal | None, str | None]:
    """A euro amount written with a point as decimal separator, or the reason it is refused;
    `digits` is the column's precision (two of them decimals)."""
    limit = min(Decimal(10) ** (digits - AMOUNT_DECIMALS), AMOUNT_LIMIT)
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None, "not an amount in euro"
    if not value.is_finite():
        return None, "not a finite amount"
    if abs(value) >= limit:
        return None, f"too large (at most {limit - Decimal('0.01'):,} euro)"
    return value, None
