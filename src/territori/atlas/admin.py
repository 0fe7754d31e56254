from django.contrib import admin

from territori.core.admin import AuditedAdmin

from .models import Membership, Network, NetworkArea, Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "territory", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "name", "fiscal_code"]
    autocomplete_fields = ["territory"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Network)
class NetworkAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "lead", "start", "end", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["lead", "nodes"]
    inlines = [MembershipInline]


@admin.register(NetworkArea)
class NetworkAreaAdmin(AuditedAdmin):
    list_display = ["network", "territory", "valid_from", "valid_to"]
    list_select_related = ["network", "territory"]
    autocomplete_fields = ["network", "territory"]
