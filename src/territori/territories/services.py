"""Writes to territories, memberships and topologies; validated first and audited."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from territori.core.audit import Actor, AuditBatch, snapshot
from territori.core.text import fold
from territori.io.errors import InputValidationError, RowError
from territori.io.geo import boundaries_checksum, build_topology
from territori.io.tabular import TableReadError, read_table
from territori.io.zones import Period, ZonePlan, plan_zone_memberships

from .models import Membership, Territory, Topology


def territory_search_text(territory: Territory) -> str:
    return fold(" ".join([territory.code, territory.name, territory.name_en]))


@dataclass(frozen=True, slots=True)
class TerritoryData:
    code: str
    kind: str
    name: str
    name_en: str = ""
    number: int | None = None
    parent_code: str | None = None
    area_km2: Decimal | None = None
    boundary: dict[str, Any] | None = None
    boundary_source: str = ""
    members_status: str = "confirmed"
    description: str = ""
    source: str = ""


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
            territory.search_text = territory_search_text(territory)
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
            territory.search_text = territory_search_text(territory)
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
        rows = read_table(data, filename)
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

COMUNI_TOPOLOGY = "cmto-comuni"


def topology_build(
    *, key: str = COMUNI_TOPOLOGY, parent_code: str | None = None, force: bool = False
) -> Topology:
    """Build (or keep, when the boundaries have not changed) the comuni topology."""
    queryset = Territory.objects.filter(kind=Territory.Kind.COMUNE, boundary__isnull=False)
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
        build_topology(rows, object_name="comuni")
        if rows
        else {"type": "Topology", "objects": {}, "arcs": []}
    )
    topology, _created = Topology.objects.update_or_create(
        key=key, defaults={"data": data, "source_checksum": checksum, "feature_count": len(rows)}
    )
    return topology
