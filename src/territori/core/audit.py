"""Recording changes in the audit log. Services call these explicitly (no signals)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from .models import AuditEntry

Actor = AbstractBaseUser | AnonymousUser | None

#: Fields never copied into the log (large or derived).
SKIPPED_FIELDS = {"boundary", "search_text", "original", "errors", "content"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The instance's concrete field values as JSON-friendly data (foreign keys by id)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.primary_key:
            continue
        data[field.attname] = _jsonable(getattr(instance, field.attname))
    return data


def _actor_or_none(actor: Actor) -> AbstractBaseUser | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    assert isinstance(actor, AbstractBaseUser)
    return actor


def audit_entry_build(
    *,
    instance: models.Model,
    action: str,
    before: Mapping[str, Any] | None,
    actor: Actor,
    channel: str,
    note: str = "",
) -> AuditEntry:
    after = None if action == AuditEntry.Action.DELETE else snapshot(instance)
    return AuditEntry(
        actor=_actor_or_none(actor),  # type: ignore[misc]
        channel=channel,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=dict(before) if before is not None else None,
        after=after,
        note=note[:300],
    )


def audit_record(
    *,
    instance: models.Model,
    action: str,
    before: Mapping[str, Any] | None,
    actor: Actor,
    channel: str,
    note: str = "",
) -> AuditEntry | None:
    """Save one audit entry; an update that changed nothing is not recorded."""
    entry = audit_entry_build(
        instance=instance, action=action, before=before, actor=actor, channel=channel, note=note
    )
    if action == AuditEntry.Action.UPDATE and entry.before == entry.after:
        return None
    entry.save()
    return entry


def audit_record_many(entries: Iterable[AuditEntry]) -> int:
    """Save many prepared entries in one query (bulk loads and imports)."""
    created = AuditEntry.objects.bulk_create(list(entries), batch_size=500)
    return len(created)


class AuditBatch:
    """Collects the audit entries of one import or bulk load, saved together at the end."""

    def __init__(self, *, actor: Actor, channel: str) -> None:
        self.actor = actor
        self.channel = channel
        self.entries: list[AuditEntry] = []

    def created(self, instance: models.Model) -> None:
        self._add(instance, AuditEntry.Action.CREATE, None)

    def updated(self, instance: models.Model, before: Mapping[str, Any]) -> None:
        self._add(instance, AuditEntry.Action.UPDATE, before)

    def _add(self, instance: models.Model, action: str, before: Mapping[str, Any] | None) -> None:
        self.entries.append(
            audit_entry_build(
                instance=instance,
                action=action,
                before=before,
                actor=self.actor,
                channel=self.channel,
            )
        )

    def save(self) -> int:
        return audit_record_many(self.entries)

    def update_fields(self, instance: models.Model, values: Mapping[str, Any]) -> bool:
        """Set the values that differ, save only those fields and audit the change.

        Returns whether anything changed; an unchanged instance is neither saved nor logged.
        """
        changed = [key for key, value in values.items() if getattr(instance, key) != value]
        if not changed:
            return False
        before = snapshot(instance)
        for key in changed:
            setattr(instance, key, values[key])
        instance.save(update_fields=changed)
        self.updated(instance, before)
        return True
