from typing import Any

from django.contrib import admin

from territori.core.admin import AuditedAdmin

from .models import Action, Expense, Output, Programme


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "start", "months", "status"]


class OutputInline(admin.TabularInline[Output, Any]):
    model = Output
    extra = 0
    fields = ["order", "title", "status", "due", "evidence"]


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["code", "title", "start", "end", "mase", "cm"]
    list_filter = ["programme"]
    search_fields = ["code", "title"]
    inlines = [OutputInline]


@admin.register(Output)
class OutputAdmin(AuditedAdmin):
    list_display = ["title", "action", "status", "due"]
    list_filter = ["status", "action__programme"]
    list_select_related = ["action"]
    search_fields = ["title", "action__code"]


@admin.register(Expense)
class ExpenseAdmin(AuditedAdmin):
    list_display = ["date", "action", "funder", "cost_item", "amount", "description"]
    list_filter = ["funder", "cost_item", "action__programme"]
    list_select_related = ["action"]
    date_hierarchy = "date"
