from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from territori.core.admin import AuditedAdmin

from .models import Framework, Link, Node
from .services import node_positions_refresh, node_search_text


@admin.register(Framework)
class FrameworkAdmin(AuditedAdmin):
    list_display = ["code", "short_name", "name_it", "role", "version", "valid_from", "status"]
    list_filter = ["status"]
    search_fields = ["code", "name_it", "name_en", "short_name"]


class LinkInline(admin.TabularInline[Link, Any]):
    model = Link
    fk_name = "source_node"
    extra = 0
    autocomplete_fields = ["target_node"]
    fields = ["target_node", "kind", "status", "note", "source"]


@admin.register(Node)
class NodeAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "framework", "level", "parent", "status"]
    list_filter = ["framework", "level", "status"]
    search_fields = ["code", "title_it", "title_en", "search_text"]
    list_select_related = ["framework", "parent__framework"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["depth"]

    def before_save(self, obj: models.Model) -> None:
        assert isinstance(obj, Node)
        obj.depth = obj.parent.depth + 1 if obj.parent else 0
        obj.search_text = node_search_text(node=obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # a new order or parent moves the node (and its subtree) in the framework's reading
        node_positions_refresh(framework_ids=[obj.framework_id])


@admin.register(Link)
class LinkAdmin(AuditedAdmin):
    list_display = ["source_node", "kind", "target_node", "status"]
    list_filter = ["kind", "status", "source_node__framework", "target_node__framework"]
    search_fields = [
        "source_node__code",
        "target_node__code",
        "note",
        "source_node__title_it",
        "target_node__title_it",
    ]
    list_select_related = ["source_node__framework", "target_node__framework"]
    autocomplete_fields = ["source_node", "target_node"]
