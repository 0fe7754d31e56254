"""The indicator catalogue: indicator metadata with node tags and targets, and indicators created
from ISTAT's wide tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q

from territori.core.audit import Actor, AuditBatch, snapshot
from territori.frameworks.models import Node
from territori.io.errors import InputValidationError, RowError
from territori.territories.models import Territory

from ..models import (
    Aggregation,
    Category,
    Indicator,
    Target,
)

INDICATOR_FIELDS = (
    "name_it",
    "name_en",
    "description_it",
    "description_en",
    "unit",
    "decimals",
    "polarity",
    "natural_limit",
    "base_year",
    "source",
    "licence",
    "methodology",
    "aggregation",
    "scale",
    "status",
    "order",
    "category",
    "polarity_confirmed",
    "nodes_confirmed",
    "edition",
)


def indicators_upsert(
    *, items: Sequence[dict[str, Any]], actor: Actor = None, channel: str = "service"
) -> tuple[int, int]:
    """Create or update indicators (with node tags and targets) from plain dicts; audited.

    Each item: code and INDICATOR_FIELDS, optional numerator/denominator codes, `nodes`
    ("framework:code" strings) and `targets` (value, year, kind, source, territory, status).
    """
    errors: list[RowError] = []
    node_keys = {key for item in items for key in item.get("nodes", [])}
    nodes: dict[str, Node] = {}
    if node_keys:
        condition = Q()
        for key in node_keys:
            framework, _, code = key.partition(":")
            condition |= Q(framework__code=framework, code=code)
        nodes = {
            f"{n.framework.code}:{n.code}": n
            for n in Node.objects.filter(condition).select_related("framework")
        }
    for position, item in enumerate(items, start=1):
        if not item.get("code"):
            errors.append(RowError(position, "code", "missing"))
        if not item.get("name_it"):
            errors.append(RowError(position, "name_it", "missing", item.get("code", "")))
        for key in item.get("nodes", []):
            if key not in nodes:
                errors.append(RowError(position, "nodes", "unknown framework node", key))
    codes = {item.get("code") for item in items}
    known = (
        set(
            Indicator.objects.filter(
                code__in=[i.get(r) for i in items for r in ("numerator", "denominator") if i.get(r)]
            ).values_list("code", flat=True)
        )
        | codes
    )
    for position, item in enumerate(items, start=1):
        for role in ("numerator", "denominator"):
            if item.get(role) and item[role] not in known:
                errors.append(RowError(position, role, "unknown indicator", item[role]))
        if item.get("aggregation") == Aggregation.RATIO and not (
            item.get("numerator") and item.get("denominator")
        ):
            errors.append(
                RowError(position, "aggregation", "the ratio rule needs numerator and denominator")
            )
    if errors:
        raise InputValidationError(errors)
    created = updated = 0
    audit = AuditBatch(actor=actor, channel=channel)
    with transaction.atomic():
        by_code = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
        for item in items:
            indicator = by_code.get(item["code"])
            values = {name: item[name] for name in INDICATOR_FIELDS if name in item}
            if indicator is None:
                indicator = Indicator.objects.create(code=item["code"], **values)
                audit.created(indicator)
                created += 1
            else:
                before = snapshot(indicator)
                for name, value in values.items():
                    setattr(indicator, name, value)
                if snapshot(indicator) != before:
                    indicator.save()
                    audit.updated(indicator, before)
                    updated += 1
            by_code[indicator.code] = indicator
        for item in items:
            indicator = by_code[item["code"]]
            links: dict[str, Any] = {}
            for role in ("numerator", "denominator"):
                target = item.get(role)
                links[f"{role}_id"] = (
                    (by_code.get(target) or Indicator.objects.get(code=target)).pk
                    if target
                    else None
                )
            if any(getattr(indicator, k) != v for k, v in links.items()):
                Indicator.objects.filter(pk=indicator.pk).update(**links)
            wanted_nodes = {nodes[key].pk for key in item.get("nodes", [])}
            if set(indicator.nodes.values_list("id", flat=True)) != wanted_nodes:
                indicator.nodes.set(wanted_nodes)
            for target in item.get("targets", []):
                territory = (
                    Territory.objects.get(code=target["territory"])
                    if target.get("territory")
                    else None
                )
                Target.objects.update_or_create(
                    indicator=indicator,
                    territory=territory,
                    year=target["year"],
                    kind=target["kind"],
                    defaults={
                        "value": target["value"],
                        "source": target.get("source", ""),
                        "status": target.get("status", indicator.status),
                    },
                )
        audit.save()
    return created, updated


# Aggregation ------------------------------------------------------------------------------


PERCENT_UNITS = ("valori percentuali", "%")


def istat_wide_indicator_items(
    *, data: bytes, filename: str, metadata: bytes | None = None, metadata_name: str = ""
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Indicator items (for `indicators_upsert`) described by an ISTAT wide table and its
    metadata sheet. Polarity is not in ISTAT's files: it starts at "higher is better" and
    unconfirmed, for a person to set in the back office."""
    from territori.io.wide import istat_wide_indicators

    read = istat_wide_indicators(data, filename, metadata=metadata, metadata_name=metadata_name)
    items = []
    for order, meta in enumerate(read.indicators, start=1):
        percent = meta.unit.lower().startswith(PERCENT_UNITS)
        items.append(
            {
                "code": meta.code,
                "name_it": meta.name[:300],
                "description_it": meta.definition,
                "unit": ("%" if percent else meta.unit)[:60],
                "decimals": 0 if meta.unit.lower() == "euro" else 1,
                "natural_limit": 100.0 if percent else None,
                "source": f"Istat — {meta.source}" if meta.source else "Istat",
                "methodology": f"Dominio: {meta.domain}. Tipo di indicatore: {meta.kind}."
                if meta.kind
                else f"Dominio: {meta.domain}.",
                "category": Category.CONTEXT,
                "polarity_confirmed": False,
                "order": order,
            }
        )
    return items, read.errors


def istat_wide_indicators_create(
    *,
    data: bytes,
    filename: str,
    metadata: bytes | None = None,
    metadata_name: str = "",
    actor: Actor = None,
    channel: str = "service",
    dry_run: bool = False,
) -> list[str]:
    """Create the indicators of an ISTAT wide table that do not exist yet (existing ones are
    left as the staff set them); returns the new codes. Raises on a table that cannot be read."""
    items, errors = istat_wide_indicator_items(
        data=data, filename=filename, metadata=metadata, metadata_name=metadata_name
    )
    if errors:
        raise InputValidationError(errors)
    known = set(
        Indicator.objects.filter(code__in=[i["code"] for i in items]).values_list("code", flat=True)
    )
    new = [item for item in items if item["code"] not in known]
    if new and not dry_run:
        indicators_upsert(items=new, actor=actor, channel=channel)
    return [item["code"] for item in new]
