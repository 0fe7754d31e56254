from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from territori.core.admin import AuditedAdmin

from .models import Membership, Territory, TerritoryAlias, Topology
from .services import alias_key, territory_search_text


class MembershipInline(admin.TabularInline[Membership, Any]):
    model = Membership
    fk_name = "member"
    extra = 0
    autocomplete_fields = ["group"]
    fields = ["group", "valid_from", "valid_to", "source", "note"]


@admin.register(Territory)
class TerritoryAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "nuts_code", "parent", "area_km2", "valid_to"]
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
        obj.search_text = territory_search_text(territory=obj)


class TerritoryAliasForm(forms.ModelForm[TerritoryAlias]):
    class Meta:
        model = TerritoryAlias
        fields = ["territory", "alias", "scheme", "source"]

    def clean_alias(self) -> str:
        alias = str(self.cleaned_data["alias"])
        key = alias_key(alias=alias)
        if not key:
            raise forms.ValidationError(_("An alias needs letters or digits."))
        clash = TerritoryAlias.objects.filter(key=key).exclude(pk=self.instance.pk).first()
        if clash is not None:
            raise forms.ValidationError(
                _("“%(alias)s” already names %(territory)s.")
                % {"alias": clash.alias, "territory": clash.territory}
            )
        return alias


@admin.register(TerritoryAlias)
class TerritoryAliasAdmin(AuditedAdmin):
    """Names and codes files use for a territory; matched with case and accents folded."""

    form = TerritoryAliasForm
    list_display = ["alias", "territory", "scheme", "source"]
    list_filter = ["scheme"]
    search_fields = ["alias", "key", "territory__name", "territory__code"]
    list_select_related = ["territory"]
    autocomplete_fields = ["territory"]
    readonly_fields = ["key"]

    def before_save(self, obj: models.Model) -> None:
        assert isinstance(obj, TerritoryAlias)
        obj.key = alias_key(alias=obj.alias)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["member", "group", "valid_from", "valid_to"]
    list_filter = ["group__kind", "group"]
    search_fields = ["member__name", "member__code", "group__name"]
    list_select_related = ["member", "group"]
    autocomplete_fields = ["member", "group"]
    date_hierarchy = "valid_from"


@admin.register(Topology)
class TopologyAdmin(admin.ModelAdmin[Topology]):
    list_display = ["key", "feature_count", "built_at"]
    readonly_fields = ["key", "source_checksum", "built_at", "feature_count"]
    exclude = ["data"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
