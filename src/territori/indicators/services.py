"""Writes of the monitoring system: indicator metadata, observation imports (validated whole,
then written in one transaction, audited), aggregation from the comuni, and the refresh of
the precomputed assessments, projections and composites."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from territori.analytics.aggregate import aggregate
from territori.analytics.composite import composite
from territori.analytics.disparity import disparity
from territori.analytics.panel import panel_from_long
from territori.analytics.projection import project
from territori.analytics.trends import eurostat_assess, istat_assess, opensdg_assess
from territori.core.audit import Actor, AuditBatch, audit_record, snapshot
from territori.core.bulk import bulk_insert, bulk_insert_values
from territori.core.models import AuditEntry
from territori.frameworks.models import Node
from territori.io.errors import InputValidationError, RowError, errors_sample
from territori.io.limits import (
    REJECTED_HEAD_BYTES,
    REJECTED_KEPT_BYTES,
    VALUE_LIMIT,
    value_problem,
    year_problem,
)
from territori.io.observations import ObservationRecord, read_observations
from territori.territories.models import Membership, Territory, valid_on
from territori.territories.selectors import home_territory_id, territory_codes_resolve

from .models import (
    Aggregation,
    Assessment,
    Category,
    CompositeValue,
    DisparityValue,
    ImportBatch,
    Indicator,
    Observation,
    Projection,
    RefreshState,
    Target,
)
from .selectors import POPULATION_INDICATOR

PROJECTION_YEAR = 2030
COMPOSITE_METHODS = ("ampi", "minmax", "zscore")
VALUE_FIELDS = ("value", "provisional", "estimated", "break_in_series")


@dataclass
class ImportOutcome:
    batch: ImportBatch | None
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    #: territories not known to the platform, skipped on request: name or code → first row
    skipped_territories: dict[str, int] = field(default_factory=dict)
    already_imported: ImportBatch | None = None
    indicators: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # first updated values
    file_format: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Plan:
    """What an import would do, computed without writing."""

    create: list[Observation] = field(default_factory=list)
    update: list[tuple[Observation, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    skipped_territories: dict[str, int] = field(default_factory=dict)  # name → first row
    indicators: set[int] = field(default_factory=set)


def _plan_import(
    records: Sequence[ObservationRecord], *, skip_unknown_territories: bool
) -> tuple[_Plan, list[RowError]]:
    errors: list[RowError] = []
    indicator_ids = dict(
        Indicator.objects.filter(code__in={r.indicator for r in records}).values_list("code", "id")
    )
    territory_ids = territory_codes_resolve(r.territory for r in records)
    plan = _Plan()
    seen: dict[tuple[int, int, str, int], int] = {}
    wanted: list[tuple[ObservationRecord, int, int]] = []
    for record in records:
        indicator_id = indicator_ids.get(record.indicator)
        territory_id = territory_ids.get(record.territory)
        if indicator_id is None:
            errors.append(RowError(record.row, "indicator", "unknown indicator", record.indicator))
        if territory_id is None:
            if skip_unknown_territories:
                plan.skipped += 1
                plan.skipped_territories.setdefault(record.territory, record.row)
                continue
            errors.append(RowError(record.row, "territory", "unknown territory", record.territory))
        if indicator_id is None or territory_id is None:
            continue
        key = (indicator_id, territory_id, record.breakdown, record.year)
        if key in seen:
            errors.append(
                RowError(
                    record.row,
                    "year",
                    f"same indicator, territory, disaggregation and year as row {seen[key]}",
                    str(record.year),
                )
            )
            continue
        seen[key] = record.row
        wanted.append((record, indicator_id, territory_id))
    if errors:
        return plan, errors
    existing: dict[tuple[int, int, str, int], Observation] = {}
    for indicator_id in {i for _, i, _ in wanted}:
        years = [r.year for r, i, _ in wanted if i == indicator_id]
        for observation in Observation.objects.filter(
            indicator_id=indicator_id, year__gte=min(years), year__lte=max(years)
        ):
            existing[
                (
                    observation.indicator_id,
                    observation.territory_id,
                    observation.breakdown,
                    observation.year,
                )
            ] = observation
    for record, indicator_id, territory_id in wanted:
        plan.indicators.add(indicator_id)
        key = (indicator_id, territory_id, record.breakdown, record.year)
        values = {
            "value": record.value,
            "provisional": record.provisional,
            "estimated": record.estimated,
            "break_in_series": record.break_in_series,
        }
        current = existing.get(key)
        if current is None:
            plan.create.append(
                Observation(
                    indicator_id=indicator_id,
                    territory_id=territory_id,
                    breakdown=record.breakdown,
                    year=record.year,
                    **values,
                )
            )
        elif any(getattr(current, name) != values[name] for name in VALUE_FIELDS) or (
            current.coverage is not None
        ):
            before = snapshot(current)
            for name, value in values.items():
                setattr(current, name, value)
            current.coverage = None  # an imported value replaces an aggregated one
            plan.update.append((current, before))
        else:
            plan.unchanged += 1
    return plan, errors


def _checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _batch_build(
    *,
    data: bytes,
    filename: str,
    actor: Actor,
    channel: str,
    file_format: str,
    options: dict[str, Any],
    outcome: ImportOutcome,
) -> ImportBatch:
    """An unsaved batch keeping the file, who sent it, the counts and every problem."""
    return ImportBatch(
        actor=actor if getattr(actor, "is_authenticated", False) else None,  # type: ignore[misc]
        channel=channel,
        filename=filename[:255],
        file_format=file_format,
        original=data,
        checksum=_checksum(data),
        size=len(data),
        options=options,
        rows=outcome.rows,
        error_count=len(outcome.errors),
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        errors=[
            {"row": e.row, "field": e.field, "message": e.message, "value": e.value}
            for e in errors_sample(outcome.errors, per_kind=50, cap=1000)
        ],
    )


def _reject(batch: ImportBatch, data: bytes) -> None:
    """Mark a batch rejected, keeping its file whole only up to REJECTED_KEPT_BYTES."""
    batch.state = ImportBatch.State.REJECTED
    if len(data) > REJECTED_KEPT_BYTES:
        batch.original, batch.original_truncated = data[:REJECTED_HEAD_BYTES], True


def _options(
    file_format: str | None, indicator: str | None, skip_unknown_territories: bool
) -> dict[str, Any]:
    return {
        "format": file_format or "",
        "indicator": indicator or "",
        "skip_unknown_territories": skip_unknown_territories,
    }


def observations_import(
    *,
    data: bytes,
    filename: str,
    actor: Actor = None,
    channel: str = "service",
    file_format: str | None = None,
    indicator: str | None = None,
    skip_unknown_territories: bool = False,
    dry_run: bool = False,
    keep_rejected: bool = True,
    refresh: bool = True,
) -> ImportOutcome:
    """Read, validate and write a file of observations; all or nothing.

    The original file is kept in an ImportBatch (also when it is rejected, unless dry_run).
    Importing a file already applied with the same options changes nothing.
    """
    options = _options(file_format, indicator, skip_unknown_territories)
    checksum = _checksum(data)
    previous = (
        ImportBatch.objects.filter(
            checksum=checksum, state=ImportBatch.State.APPLIED, options=options
        )
        .only("id", "created_at", "filename", "applied_at", "state")
        .first()
    )
    if previous is not None:
        return ImportOutcome(batch=None, already_imported=previous)
    read = read_observations(data, filename, file_format=file_format, indicator=indicator)
    outcome = ImportOutcome(
        batch=None, errors=list(read.errors), rows=len(read.records), file_format=read.file_format
    )
    plan = _Plan()
    if not outcome.errors:
        plan, errors = _plan_import(read.records, skip_unknown_territories=skip_unknown_territories)
        outcome.errors.extend(errors)
    outcome.created, outcome.updated = len(plan.create), len(plan.update)
    outcome.unchanged, outcome.skipped = plan.unchanged, plan.skipped
    outcome.skipped_territories = plan.skipped_territories
    outcome.changes = [
        {"observation": str(o), "before": before["value"], "after": o.value}
        for o, before in plan.update[:20]
    ]
    if dry_run:
        return outcome
    batch = _batch_build(
        data=data,
        filename=filename,
        actor=actor,
        channel=channel,
        file_format=read.file_format,
        options=options,
        outcome=outcome,
    )
    if outcome.errors:
        if keep_rejected:
            _reject(batch, data)
            batch.save()
            outcome.batch = batch
        return outcome
    with transaction.atomic():
        batch.state = ImportBatch.State.APPLIED
        batch.applied_at = timezone.now()
        batch.save()
        for observation in plan.create:
            observation.batch = batch
        bulk_insert(plan.create)
        audit = AuditBatch(actor=actor, channel=channel)
        for observation, before in plan.update:
            observation.batch = batch
            audit.updated(observation, before)
        Observation.objects.bulk_update(
            [o for o, _ in plan.update], [*VALUE_FIELDS, "coverage", "batch"], batch_size=2000
        )
        audit.created(batch)
        audit.save()
        outcome.batch = batch
        outcome.indicators = list(
            Indicator.objects.filter(id__in=plan.indicators).values_list("code", flat=True)
        )
        if refresh and outcome.indicators:
            from .tasks import enqueue_refresh

            codes, batch_id = outcome.indicators, batch.pk
            batch.refresh_state = RefreshState.PENDING
            batch.save(update_fields=["refresh_state"])
            transaction.on_commit(lambda: enqueue_refresh(codes, batch_id=batch_id))
    return outcome


def import_batch_apply(
    *, batch: ImportBatch, actor: Actor, channel: str = "staff"
) -> ImportOutcome:
    """Apply a previewed batch: its kept file is imported again with the same options."""
    if batch.state != ImportBatch.State.PREVIEWED:
        raise InputValidationError(
            [RowError(0, "batch", f"batch #{batch.pk} is {batch.state}, not waiting")]
        )
    outcome = observations_import(
        data=bytes(batch.original),
        filename=batch.filename,
        actor=actor,
        channel=channel,
        file_format=batch.options.get("format") or None,
        indicator=batch.options.get("indicator") or None,
        skip_unknown_territories=bool(batch.options.get("skip_unknown_territories")),
    )
    batch.state = ImportBatch.State.DISCARDED if outcome.ok else ImportBatch.State.REJECTED
    batch.save(update_fields=["state"])
    return outcome


def observations_preview(
    *,
    data: bytes,
    filename: str,
    actor: Actor,
    file_format: str | None = None,
    indicator: str | None = None,
    skip_unknown_territories: bool = False,
) -> ImportOutcome:
    """Check a file and keep it as a batch waiting for confirmation (or rejected)."""
    outcome = observations_import(
        data=data,
        filename=filename,
        actor=actor,
        channel="staff",
        file_format=file_format,
        indicator=indicator,
        skip_unknown_territories=skip_unknown_territories,
        dry_run=True,
    )
    if outcome.already_imported is not None:
        return outcome
    batch = _batch_build(
        data=data,
        filename=filename,
        actor=actor,
        channel="staff",
        file_format=outcome.file_format,
        options=_options(file_format, indicator, skip_unknown_territories),
        outcome=outcome,
    )
    if outcome.errors:
        _reject(batch, data)
    else:
        batch.state = ImportBatch.State.PREVIEWED
    batch.save()
    outcome.batch = batch
    return outcome


# Indicator metadata -----------------------------------------------------------------------

INDICATOR_FIELDS = (
    "name_it", "name_en", "description_it", "description_en", "unit", "decimals", "polarity",
    "natural_limit", "source", "licence", "methodology", "aggregation", "scale", "status",
    "order", "category", "polarity_confirmed", "nodes_confirmed", "edition",
)  # fmt: skip


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


def _frame(indicator_id: int | None, territory_kind: str = Territory.Kind.COMUNE) -> pd.DataFrame:
    if indicator_id is None:
        return pd.DataFrame(columns=["unit", "year", "value"])
    rows = Observation.objects.filter(
        indicator_id=indicator_id, breakdown="", territory__kind=territory_kind
    ).values_list("territory__code", "year", "value")
    return _finite(pd.DataFrame(list(rows), columns=["unit", "year", "value"]))


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose value is within the limits: a stored value beyond them (written before
    they were enforced, or by hand in the database) is left out rather than poisoning every
    result computed from it."""
    values = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame[np.isfinite(values) & (values.abs() <= VALUE_LIMIT)]


def indicator_aggregate(*, indicator: Indicator, channel: str = "service") -> int:
    """Zone omogenee and CMTo values from the comuni, by the indicator's rule.

    Writes only where no imported value exists (an imported CMTo value is authoritative);
    returns how many values were created or changed.
    """
    if indicator.aggregation == Aggregation.NONE:
        return 0
    population_id = (
        Indicator.objects.filter(code=POPULATION_INDICATOR).values_list("id", flat=True).first()
    )
    population = _frame(population_id).rename(columns={"value": "population"})
    zones = Membership.objects.filter(
        valid_on(timezone.localdate()), group__kind=Territory.Kind.ZONA
    ).values_list("member__code", "group__code")
    metro = Territory.objects.filter(kind=Territory.Kind.COMUNE).values_list("code", "parent__code")
    members = pd.DataFrame([*zones, *metro], columns=["unit", "group"]).dropna()
    kwargs: dict[str, Any] = {
        "rule": indicator.aggregation,
        "members": members,
        "population": population,
    }
    if indicator.aggregation == Aggregation.RATIO:
        kwargs |= {
            "numerator": _frame(indicator.numerator_id),
            "denominator": _frame(indicator.denominator_id),
            "scale": indicator.scale,
        }
    else:
        kwargs["values"] = _frame(indicator.pk)
    result = aggregate(**kwargs)
    if result.empty:
        return 0
    ids = dict(Territory.objects.filter(code__in=set(result["group"])).values_list("code", "id"))
    existing = {
        (o.territory_id, o.year): o
        for o in Observation.objects.filter(
            indicator=indicator, breakdown="", territory_id__in=ids.values()
        )
    }
    create, update, drop = [], [], []
    for group, year, value_raw, coverage_raw in zip(
        result["group"], result["year"], result["value"], result["coverage"], strict=True
    ):
        key = (ids[str(group)], int(year))
        value, coverage = float(value_raw), round(float(coverage_raw), 6)
        current = existing.get(key)
        if value_problem(value) is not None:  # e.g. a ratio over a zero denominator
            if current is not None and current.coverage is not None:
                drop.append(current.pk)
            continue
        if current is None:
            create.append(
                Observation(
                    indicator=indicator,
                    territory_id=key[0],
                    year=key[1],
                    value=value,
                    coverage=coverage,
                )
            )
        elif current.coverage is not None and (
            not np.isclose(current.value, value, rtol=1e-12, atol=0) or current.coverage != coverage
        ):
            current.value, current.coverage = value, coverage
            update.append(current)
    with transaction.atomic():
        bulk_insert(create)
        Observation.objects.bulk_update(update, ["value", "coverage"], batch_size=2000)
        Observation.objects.filter(pk__in=drop).delete()
    return len(create) + len(update) + len(drop)


# Precomputed results ----------------------------------------------------------------------


def _series_frame(indicator_ids: Sequence[int]) -> pd.DataFrame:
    rows = Observation.objects.filter(indicator_id__in=indicator_ids, breakdown="").values_list(
        "indicator_id", "territory_id", "year", "value"
    )
    return _finite(pd.DataFrame(list(rows), columns=["indicator", "territory", "year", "value"]))


def _targets(indicator: Indicator, territories: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per series the nearest future target: territory-specific first, then general."""
    values = np.full(len(territories), np.nan)
    years = np.full(len(territories), np.nan)
    targets = sorted(indicator.targets.all(), key=lambda t: (t.territory_id is not None, -t.year))
    for target in targets:  # general targets first, territory ones override; latest year last
        if value_problem(target.value) or year_problem(target.year):
            continue  # a stored target beyond the limits is not used
        mask = (
            np.ones(len(territories), dtype=bool)
            if target.territory_id is None
            else (territories.to_numpy() == target.territory_id)
        )
        values[mask], years[mask] = target.value, target.year
    return values, years


def _within(value: float | None) -> float | None:
    """A stored setting (a natural limit) if within the limits, else None (not used)."""
    return None if value is None or value_problem(value) else value


def _none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and not np.isfinite(value)) else value


@transaction.atomic
def indicator_results_refresh(*, codes: Sequence[str] | None = None) -> dict[str, int]:
    """Recompute aggregates, assessments, projections and Mission composites, all or nothing:
    when any step fails, the results stored before stay as they were."""
    indicators = list(
        Indicator.objects.filter(
            **({"code__in": codes} if codes is not None else {})
        ).prefetch_related("targets")
    )
    for indicator in indicators:
        indicator_aggregate(indicator=indicator)
    counts = {"assessments": 0, "projections": 0, "composites": 0, "disparities": 0}
    frame = _series_frame([i.pk for i in indicators])
    disparities = _disparities(indicators, frame)
    assessments: list[Assessment] = []
    projections: list[Projection] = []
    for indicator in indicators:
        data = frame[frame["indicator"] == indicator.pk]
        if data.empty:
            continue
        panel = panel_from_long(data, keys=["territory"])
        territories = panel.keys["territory"]
        target, target_year = _targets(indicator, territories)
        d = float(indicator.polarity)
        results = [
            eurostat_assess(panel.values, panel.years, polarity=d, target=target, target_year=target_year, window="long"),
            eurostat_assess(panel.values, panel.years, polarity=d, target=target, target_year=target_year, window="short"),
            *(istat_assess(panel.values, panel.years, polarity=d, window=w) for w in ("full", "previous", "ten_years")),
            opensdg_assess(panel.values, panel.years, polarity=d, target=target, target_year=target_year, limit=_within(indicator.natural_limit)),
        ]  # fmt: skip
        for result in results:
            for i, territory_id in enumerate(territories):
                assessments.append(
                    Assessment(
                        indicator=indicator,
                        territory_id=int(territory_id),
                        method=result.method,
                        window=result.window,
                        start_year=_none(result.start_year[i]) and int(result.start_year[i]),
                        end_year=_none(result.end_year[i]) and int(result.end_year[i]),
                        cagr=_none(float(result.cagr[i])),
                        required_cagr=_none(float(result.required_cagr[i])),
                        ratio=_none(float(result.ratio[i])),
                        score=_none(float(result.score[i])),
                        status=str(result.status[i]),
                        reason=str(result.reason[i]),
                    )
                )
        year = int(np.nanmax(np.where(np.isfinite(target_year), target_year, PROJECTION_YEAR)))
        year = max(year, PROJECTION_YEAR)
        for method in ("cagr", "linear"):
            projected = project(panel.values, panel.years, year=year, method=method, target=target)
            for i, territory_id in enumerate(territories):
                projections.append(
                    Projection(
                        indicator=indicator,
                        territory_id=int(territory_id),
                        method=method,
                        year=year,
                        value=_none(float(projected.value[i])),
                        lower=_none(float(projected.lower[i])),
                        upper=_none(float(projected.upper[i])),
                        gap_closure=_none(float(projected.gap_closure[i])),
                        gap_status=str(projected.gap_status[i]),
                    )
                )
    with transaction.atomic():
        Assessment.objects.filter(indicator__in=indicators).delete()
        Projection.objects.filter(indicator__in=indicators).delete()
        counts["assessments"] = bulk_insert(assessments)
        counts["projections"] = bulk_insert(projections)
        DisparityValue.objects.filter(indicator__in=indicators).delete()
        counts["disparities"] = len(DisparityValue.objects.bulk_create(disparities))
        node_ids = set(
            Indicator.nodes.through.objects.filter(indicator__in=indicators).values_list(
                "node_id", flat=True
            )
        )
        counts["composites"] = node_composites_refresh(node_ids=node_ids)
    return counts


def _nearest_year(years: np.ndarray, year: int) -> int:
    """The closest of `years` to `year`; on a tie the earlier one."""
    distance = np.abs(years - year)
    return int(years[np.flatnonzero(distance == distance.min())[0]])


def _disparities(indicators: Sequence[Indicator], frame: pd.DataFrame) -> list[DisparityValue]:
    """Disparity among the comuni and among the zone omogenee, per indicator and year.

    Weights are each unit's population in the same year, or in the closest year with data.
    """
    metro = home_territory_id()
    kinds = dict(
        Territory.objects.filter(
            Q(kind__in=[Territory.Kind.COMUNE, Territory.Kind.ZONA]) | Q(pk=metro)
        ).values_list("id", "kind")
    )
    population_id = (
        Indicator.objects.filter(code=POPULATION_INDICATOR).values_list("id", flat=True).first()
    )
    people = _series_frame([population_id] if population_id else [])
    people = people[people["territory"].isin(list(kinds))]
    pop_years = np.sort(people["year"].unique())
    rows: list[DisparityValue] = []
    for indicator in indicators:
        data = frame[(frame["indicator"] == indicator.pk) & frame["territory"].isin(list(kinds))]
        for level in (Territory.Kind.COMUNE, Territory.Kind.ZONA):
            units = data[data["territory"].map(kinds) == level]
            if units["territory"].nunique() < 2:
                continue
            table = units.pivot(index="year", columns="territory", values="value")
            reference = (
                data[data["territory"] == metro].set_index("year")["value"].reindex(table.index)
            )
            pop_year = np.full(len(table.index), np.nan)
            weights = np.full(table.shape, np.nan)
            if pop_years.size:
                for r, year in enumerate(table.index):
                    nearest = _nearest_year(pop_years, int(year))
                    found = people[people["year"] == nearest].set_index("territory")["value"]
                    weights[r] = found.reindex(table.columns).to_numpy()
                    pop_year[r] = nearest
            weighted = np.isfinite(weights) | ~np.isfinite(table.to_numpy())
            complete = weighted.all(axis=1)
            result = disparity(
                table.to_numpy(),
                population=np.where(complete[:, None], weights, 1.0),
                reference=reference.to_numpy(),
            )
            better = (result.gap * indicator.polarity > 0).sum(axis=1)
            for r, year in enumerate(table.index):
                count = int(np.isfinite(table.to_numpy()[r]).sum())
                if count < 2:
                    continue
                rows.append(
                    DisparityValue(
                        indicator=indicator,
                        level=level,
                        year=int(year),
                        count=count,
                        mean=_none(float(result.mean[r])),
                        weighted_mean=_none(float(result.weighted_mean[r]))
                        if complete[r]
                        else None,
                        cv=_none(float(result.cv[r])),
                        weighted_cv=_none(float(result.weighted_cv[r])) if complete[r] else None,
                        theil=_none(float(result.theil[r])),
                        max_min_ratio=_none(float(result.max_min_ratio[r])),
                        population_year=int(pop_year[r]) if complete[r] else None,
                        reference=_none(float(reference.iloc[r])),
                        better=int(better[r]) if np.isfinite(reference.iloc[r]) else None,
                    )
                )
    return rows


COMPOSITE_COLUMNS = ("node_id", "territory_id", "year", "method", "value", "indicators")


def node_composites_refresh(*, node_ids: Iterable[int]) -> int:
    """Composites (AMPI, min-max, z-score) of each node's indicators (two or more).

    Reference of AMPI and z-score: the metropolitan city in the first year in which it has
    every indicator. Min-max rescales over all territories and years.
    """
    written = 0
    for node_id in node_ids:
        indicators = list(Indicator.objects.filter(nodes=node_id).order_by("code"))
        CompositeValue.objects.filter(node_id=node_id).delete()
        if len(indicators) < 2:
            continue
        frame = _series_frame([i.pk for i in indicators])
        if frame.empty:
            continue
        codes = [i.pk for i in indicators]
        territories = sorted(frame["territory"].unique())
        years = np.arange(int(frame["year"].min()), int(frame["year"].max()) + 1)
        cube = np.full((len(codes), len(territories), len(years)), np.nan)
        cube[
            pd.Index(codes).get_indexer(pd.Index(frame["indicator"])),
            pd.Index(territories).get_indexer(pd.Index(frame["territory"])),
            frame["year"].to_numpy() - years[0],
        ] = frame["value"].to_numpy()
        metro = home_territory_id()
        if metro not in territories:
            continue
        m = territories.index(metro)
        complete_years = np.nonzero(np.isfinite(cube[:, m, :]).all(axis=0))[0]
        if not complete_years.size:
            continue
        polarity = np.array([i.polarity for i in indicators], dtype=np.float64)
        rows = []
        for method in COMPOSITE_METHODS:  # AMPI is the one pages show; the others downloadable
            values = composite(
                cube, polarity=polarity, method=method, reference=(m, int(complete_years[0]))
            )
            rows += [
                (
                    node_id,
                    int(territories[u]),
                    int(years[y]),
                    method,
                    float(values[u, y]),
                    len(codes),
                )
                for u, y in zip(*np.nonzero(np.isfinite(values)), strict=True)
            ]
        written += bulk_insert_values(CompositeValue, COMPOSITE_COLUMNS, rows)
    return written


def observation_delete(*, observation: Observation, actor: Actor, channel: str = "admin") -> None:
    before = snapshot(observation)
    audit_record(
        instance=observation,
        action=AuditEntry.Action.DELETE,
        before=before,
        actor=actor,
        channel=channel,
    )
    observation.delete()


# ISTAT wide tables -------------------------------------------------------------------------

#: ISTAT's "valori percentuali" and the like: a value between 0 and 100.
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
