"""Zone membership files: which comune belongs to which zona omogenea, from when.

Columns: comune (ISTAT code or name), zona (number), valid_from (optional date).
`plan_zone_memberships` is pure: given the rows, the comuni and the memberships already
recorded, it returns what to create, what to close and every problem, by row and field.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from territori.io.text import fold

from .errors import NO_ROWS, RowError
from .tabular import Row

REQUIRED_COLUMNS = ["comune", "zona"]


@dataclass(slots=True)
class Period:
    zone: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    membership_id: int | None = None  # None: planned by this file

    def covers(self, day: dt.date | None) -> bool:
        if day is None:
            return self.valid_from is None
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def overlaps(self, start: dt.date | None, end: dt.date | None) -> bool:
        lo = dt.date.min if start is None else start
        hi = dt.date.max if end is None else end
        self_lo = dt.date.min if self.valid_from is None else self.valid_from
        self_hi = dt.date.max if self.valid_to is None else self.valid_to
        return self_lo <= hi and lo <= self_hi


@dataclass(slots=True)
class ZonePlan:
    #: row, comune code, the planned period (its valid_to is set when a later row moves the comune)
    create: list[tuple[int, str, Period]] = field(default_factory=list)
    close: list[tuple[int, int, dt.date]] = field(
        default_factory=list
    )  # row, membership id, valid_to
    unchanged: list[tuple[int, str, int]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _parse_date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def resolve_comune(
    value: str, codes: Mapping[str, str], names: Mapping[str, list[str]]
) -> tuple[str | None, str]:
    """The comune's ISTAT code for a code or a name, or None and the reason."""
    if value.isdigit():
        code = value.zfill(6)
        if code in codes:
            return code, ""
        return None, "unknown ISTAT code"
    matches = names.get(fold(value), [])
    if len(matches) == 1:
        return matches[0], ""
    if len(matches) > 1:
        return None, f"ambiguous name ({len(matches)} comuni): use the ISTAT code"
    close = difflib.get_close_matches(fold(value), list(names), n=1, cutoff=0.85)
    hint = f"; did you mean '{codes[names[close[0]][0]]}'?" if close else ""
    return None, f"unknown comune{hint}"


def plan_zone_memberships(
    rows: Sequence[Row],
    *,
    comuni: Mapping[str, str],
    zones: set[int],
    existing: Mapping[str, Sequence[Period]],
) -> ZonePlan:
    """What an import of `rows` would do. `comuni`: code -> name; `existing`: code -> periods."""
    plan = ZonePlan()
    if not rows:
        plan.errors.append(RowError(0, "file", NO_ROWS))
        return plan
    if rows:
        missing = [name for name in REQUIRED_COLUMNS if name not in rows[0].values]
        if missing:
            plan.errors.extend(RowError(1, name, "required column is missing") for name in missing)
            return plan
    names: dict[str, list[str]] = defaultdict(list)
    for comune_code, name in comuni.items():
        names[fold(name)].append(comune_code)

    parsed: list[tuple[Row, str, int, dt.date | None]] = []
    for row in rows:
        comune_value, zone_value, from_value = (
            row.get("comune"),
            row.get("zona"),
            row.get("valid_from"),
        )
        ok = True
        code: str | None = None
        if not comune_value:
            plan.errors.append(RowError(row.line, "comune", "missing comune"))
            ok = False
        else:
            code, reason = resolve_comune(comune_value, comuni, names)
            if code is None:
                plan.errors.append(RowError(row.line, "comune", reason, comune_value))
                ok = False
        zone = 0
        try:
            zone = int(zone_value)
            if zone not in zones:
                plan.errors.append(
                    RowError(
                        row.line,
                        "zona",
                        f"unknown zona omogenea (expected one of {min(zones)}-{max(zones)})",
                        zone_value,
                    )
                )
                ok = False
        except ValueError:
            plan.errors.append(RowError(row.line, "zona", "not a zona number", zone_value))
            ok = False
        valid_from = None
        if from_value:
            try:
                valid_from = _parse_date(from_value)
            except ValueError:
                plan.errors.append(
                    RowError(row.line, "valid_from", "not a date (use YYYY-MM-DD)", from_value)
                )
                ok = False
        if ok and code is not None:
            parsed.append((row, code, zone, valid_from))

    state: dict[str, list[Period]] = {
        code: [Period(p.zone, p.valid_from, p.valid_to, p.membership_id) for p in periods]
        for code, periods in existing.items()
    }
    first_row: dict[tuple[str, dt.date | None], tuple[int, int]] = {}
    parsed.sort(key=lambda item: (item[1], item[3] or dt.date.min, item[0].line))
    for row, code, zone, valid_from in parsed:
        key = (code, valid_from)
        if key in first_row:
            line, other_zone = first_row[key]
            reason = (
                f"duplicate row: the same comune, zona and date as row {line}"
                if other_zone == zone
                else f"comune in two zones at once: {comuni[code]} is also given from the "
                f"same date at row {line}"
            )
            plan.errors.append(RowError(row.line, "zona", reason, str(zone)))
            continue
        first_row[key] = (row.line, zone)
        periods = state.setdefault(code, [])
        if any(p.zone == zone and p.covers(valid_from) for p in periods):
            plan.unchanged.append((row.line, code, zone))
            continue
        for period in periods:
            if period.zone != zone and period.valid_to is None and period.covers(valid_from):
                if valid_from is None or period.valid_from == valid_from:
                    break
                close_on = valid_from - dt.timedelta(days=1)
                period.valid_to = close_on
                if period.membership_id is not None:
                    plan.close.append((row.line, period.membership_id, close_on))
                break
        clash = [p for p in periods if p.zone != zone and p.overlaps(valid_from, None)]
        if clash:
            other = clash[0]
            since = other.valid_from.isoformat() if other.valid_from else "…"
            until = other.valid_to.isoformat() if other.valid_to else "…"
            hint = " (give valid_from to move it)" if valid_from is None else ""
            plan.errors.append(
                RowError(
                    row.line,
                    "zona",
                    f"comune in two zones at once: {comuni[code]} is in zona {other.zone} {since} – {until}{hint}",
                    str(zone),
                )
            )
            continue
        period = Period(zone, valid_from, None)
        periods.append(period)
        plan.create.append((row.line, code, period))
    plan.errors.sort(key=lambda error: (error.row, error.field))
    return plan
