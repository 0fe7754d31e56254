from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from territori.core.admin import AuditedAdmin

from .models import (
    Assessment,
    DisparityValue,
    ImportBatch,
    Indicator,
    Observation,
    Scenario,
    Target,
)


class TargetInline(admin.TabularInline[Target, Any]):
    model = Target
    extra = 0
    autocomplete_fields = ["territory"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = [
        "code",
        "name_it",
        "unit",
        "polarity",
        "polarity_confirmed",
        "nodes_confirmed",
        "category",
        "status",
    ]
    list_filter = [
        "category",
        "status",
        "aggregation",
        "polarity",
        "polarity_confirmed",
        "nodes_confirmed",
    ]
    search_fields = ["code", "name_it", "name_en", "source"]
    autocomplete_fields = ["numerator", "denominator"]
    filter_horizontal = ["nodes"]
    inlines = [TargetInline]


@admin.register(Observation)
class ObservationAdmin(AuditedAdmin):
    list_display = ["indicator", "territory", "year", "breakdown", "value", "provisional", "batch"]
    list_filter = ["provisional", "estimated", "break_in_series", "indicator"]
    search_fields = ["indicator__code", "territory__code", "territory__name"]
    list_select_related = ["indicator", "territory", "batch"]
    autocomplete_fields = ["indicator", "territory"]
    raw_id_fields = ["batch"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = [
        "id",
        "filename",
        "file_format",
        "state",
        "refresh_state",
        "actor",
        "created_at",
        "created",
        "updated",
        "error_count",
    ]
    list_filter = ["state", "refresh_state", "file_format", "channel"]
    exclude = ["original"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "original"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ComputedAdmin(admin.ModelAdmin[Any]):
    """Results recomputed after every import: read only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(ComputedAdmin):
    list_display = ["indicator", "territory", "method", "window", "status", "cagr"]
    list_filter = ["method", "window", "status"]
    list_select_related = ["indicator", "territory"]


@admin.register(DisparityValue)
class DisparityAdmin(ComputedAdmin):
    list_display = ["indicator", "level", "year", "count", "cv", "weighted_cv", "theil"]
    list_filter = ["level", "year"]
    list_select_related = ["indicator"]


@admin.register(Scenario)
class ScenarioAdmin(AuditedAdmin):
    """A Mission's scenarios: each with its assumptions written down (shown on the page)."""

    list_display = ["code", "name_it", "node", "kind", "data_status"]
    list_filter = ["kind", "data_status"]
    search_fields = ["code", "name_it", "name_en"]
    autocomplete_fields = ["node"]
