"""Back office: the audit log (read only) and the mixin that audits admin edits."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, snapshot
from .models import AuditEntry


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Records every save and delete made in the admin in the audit log."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = snapshot(previous) if previous is not None else None
        with transaction.atomic():
            self.before_save(obj)
            super().save_model(request, obj, form, change)
            audit_record(
                instance=obj,
                action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
                before=before,
                actor=request.user,
                channel="admin",
            )

    def before_save(self, obj: models.Model) -> None:
        """Hook for derived fields (search text) before saving."""

    def before_save_inline(self, request: HttpRequest, obj: models.Model) -> None:
        """Hook for fields of an inline row set from the request (who changed it)."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (a project's places, an indicator's targets...) are audited one by one,
        like the object they belong to."""
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                audit_record(
                    instance=obj,
                    action=AuditEntry.Action.DELETE,
                    before=snapshot(obj),
                    actor=request.user,
                    channel="admin",
                )
                obj.delete()
            for obj in instances:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
                before = snapshot(previous) if previous is not None else None
                self.before_save_inline(request, obj)
                obj.save()
                audit_record(
                    instance=obj,
                    action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
                    before=before,
                    actor=request.user,
                    channel="admin",
                )
            formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = snapshot(obj)
            audit_record(
                instance=obj,
                action=AuditEntry.Action.DELETE,
                before=before,
                actor=request.user,
                channel="admin",
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["timestamp", "actor", "channel", "action", "model", "object_repr"]
    list_filter = ["action", "channel", "model"]
    search_fields = ["object_repr", "object_id", "note"]
    date_hierarchy = "timestamp"
    list_select_related = ["actor"]
    readonly_fields = [
        "timestamp",
        "actor",
        "channel",
        "action",
        "model",
        "object_id",
        "object_repr",
        "before",
        "after",
        "changed",
        "note",
    ]

    @admin.display(description=_("changed fields"))
    def changed(self, obj: AuditEntry) -> str:
        return ", ".join(obj.changed_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
