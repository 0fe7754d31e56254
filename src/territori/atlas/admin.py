from typing import Any

from django.contrib import admin

from territori.core.admin import AuditedAdmin

from .models import (
    Funding,
    Membership,
    Milestone,
    Network,
    NetworkArea,
    Organisation,
    Phase,
    Place,
    Project,
    ProjectUpdate,
)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "territory", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "name", "fiscal_code"]
    autocomplete_fields = ["territory"]


class MembershipInline(admin.TabularInline[Membership, Any]):
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


class PlaceInline(admin.TabularInline[Place, Any]):
    model = Place
    extra = 0
    autocomplete_fields = ["territory"]


class FundingInline(admin.TabularInline[Funding, Any]):
    model = Funding
    extra = 0


class PhaseInline(admin.TabularInline[Phase, Any]):
    model = Phase
    extra = 0


class MilestoneInline(admin.TabularInline[Milestone, Any]):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["code", "title", "origin", "status", "total_funding", "progress"]
    list_filter = ["origin", "status", "data_status", "pnrr_mission"]
    search_fields = ["code", "cup", "local_code", "title"]
    autocomplete_fields = ["implementing_body", "nodes"]
    inlines = [FundingInline, PlaceInline, PhaseInline, MilestoneInline]


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(AuditedAdmin):
    list_display = ["project", "created_at", "author"]
    list_select_related = ["project", "author"]
    autocomplete_fields = ["project"]
