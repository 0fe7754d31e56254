from __future__ import annotations

from django.contrib import admin
from django.db import models

from territori.core.admin import AuditedAdmin

from .models import Membership, Territory, Topology
from .services import territory_search_text


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["group"]
    fields = ["group", "valid_from", "valid_to", "source", "note"]


@admin.register(Territory)
class TerritoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "number", "parent", "area_km2", "members_status"]
    list_filter = ["kind", "members_status"]
    search_fields = ["code", "name", "name_en", "search_text"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["boundary"]
    inlines = [MembershipInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).defer("boundary")

    def before_save(self, obj: models.Model) -> None:
        assert isinstance(obj, Territory)
        obj.search_text = territory_search_text(obj)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["member", "group", "valid_from", "valid_to"]
    list_filter = ["group__kind", "group"]
    search_fields = ["member__name", "member__code", "group__name"]
    list_select_related = ["member", "group"]
    autocomplete_fields = ["member", "group"]
    date_hierarchy = "valid_from"


@admin.register(Topology)
class TopologyAdmin(admin.ModelAdmin):
    list_display = ["key", "feature_count", "built_at"]
    readonly_fields = ["key", "source_checksum", "built_at", "feature_count"]
    exclude = ["data"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
