"""The import pipeline of observations: read, validate whole, plan, write in one transaction,
keep the file; preview and apply of staged batches; audited deletes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from territori.core.audit import Actor, AuditBatch, audit_record, snapshot
from territori.core.bulk import bulk_insert
from territori.core.models import AuditEntry
from territori.io.errors import InputValidationError, RowError, errors_sample
from territori.io.limits import (
    REJECTED_HEAD_BYTES,
    REJECTED_KEPT_BYTES,
)
from territori.io.observations import ObservationRecord, ReadOptions, read_observations
from territori.territories.selectors import territory_codes_resolve

from ..models import (
    Aggregation,
    ImportBatch,
    Indicator,
    Observation,
    RefreshState,
)

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
    #: the first updated values, named as in the file: indicator, territory, year,
    #: breakdown, before, after
    changes: list[dict[str, Any]] = field(default_factory=list)
    file_format: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


#: How many changed values an import lists (by indicator, territory, year, disaggregation).
CHANGES_SHOWN = 20


@dataclass
class _Plan:
    """What an import would do, computed without writing."""

    changes: list[dict[str, Any]] = field(default_factory=list)
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
            if len(plan.changes) < CHANGES_SHOWN:
                plan.changes.append(
                    {
                        "indicator": record.indicator,
                        "territory": record.territory,
                        "year": record.year,
                        "breakdown": record.breakdown,
                        "before": before["value"],
                        "after": record.value,
                    }
                )
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
    file_format: str | None,
    indicator: str | None,
    skip_unknown_territories: bool,
    reading: ReadOptions,
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "format": file_format or "",
        "indicator": indicator or "",
        "skip_unknown_territories": skip_unknown_territories,
    }
    # only when set: a batch imported before these options existed still matches
    for name in ("area_dimension", "time_dimension", "aggregate"):
        if getattr(reading, name):
            options[name] = getattr(reading, name)
    return options


def _reading(area_dimension: str, time_dimension: str, aggregate: str) -> ReadOptions:
    """The reader's options; `aggregate="rule"` takes each indicator's own rule (a sum for
    indicators summed from the comuni, else the mean)."""
    rules: dict[str, str] = {}
    if aggregate == "rule":
        rules = {
            code: "sum" if rule == Aggregation.SUM else "mean"
            for code, rule in Indicator.objects.values_list("code", "aggregation")
        }
    return ReadOptions(
        area_dimension=area_dimension.strip(),
        time_dimension=time_dimension.strip(),
        aggregate=aggregate,
        rules=rules,
    )


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
    area_dimension: str = "",
    time_dimension: str = "",
    aggregate: str = "",
) -> ImportOutcome:
    """Read, validate and write a file of observations; all or nothing.

    The original file is kept in an ImportBatch (also when it is rejected, unless dry_run).
    Importing a file already applied with the same options changes nothing.
    """
    reading = _reading(area_dimension, time_dimension, aggregate)
    options = _options(file_format, indicator, skip_unknown_territories, reading)
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
    read = read_observations(
        data, filename, file_format=file_format, indicator=indicator, options=reading
    )
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
    outcome.changes = plan.changes
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
            from ..tasks import enqueue_refresh

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
        area_dimension=str(batch.options.get("area_dimension", "")),
        time_dimension=str(batch.options.get("time_dimension", "")),
        aggregate=str(batch.options.get("aggregate", "")),
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
    area_dimension: str = "",
    time_dimension: str = "",
    aggregate: str = "",
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
        area_dimension=area_dimension,
        time_dimension=time_dimension,
        aggregate=aggregate,
    )
    if outcome.already_imported is not None:
        return outcome
    batch = _batch_build(
        data=data,
        filename=filename,
        actor=actor,
        channel="staff",
        file_format=outcome.file_format,
        options=_options(
            file_format,
            indicator,
            skip_unknown_territories,
            ReadOptions(
                area_dimension=area_dimension, time_dimension=time_dimension, aggregate=aggregate
            ),
        ),
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
