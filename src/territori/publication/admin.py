from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.core.admin import AuditedAdmin

from .models import Page, PageImage, Report, ReportCommentary


class CommentaryInline(admin.StackedInline[ReportCommentary, Any]):
    model = ReportCommentary
    extra = 0
    autocomplete_fields = ["node"]
    exclude = ["updated_by"]


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ["year", "title_it", "published", "state", "built_at"]
    fields = [
        "year",
        "title_it",
        "title_en",
        "introduction_it",
        "introduction_en",
        "published",
        "data_status",
        "state",
        "progress",
        "built_at",
        "build_seconds",
        "content_hash",
    ]
    readonly_fields = ["state", "progress", "built_at", "build_seconds", "content_hash"]
    inlines = [CommentaryInline]

    def before_save_inline(self, request: HttpRequest, obj: models.Model) -> None:
        if isinstance(obj, ReportCommentary) and request.user.is_authenticated:
            obj.updated_by = request.user


@admin.register(Page)
class PageAdmin(AuditedAdmin):
    list_display = ["title_it", "kind", "published", "published_at", "updated_at"]
    list_filter = ["kind", "published"]
    prepopulated_fields = {"slug": ["title_it"]}
    search_fields = ["title_it", "title_en", "slug"]
    autocomplete_fields = ["nodes"]

    def before_save(self, obj: Page) -> None:  # type: ignore[override]
        if obj.published and not obj.published_at:
            obj.published_at = timezone.now()


@admin.register(PageImage)
class PageImageAdmin(admin.ModelAdmin[PageImage]):
    list_display = ["alt_it", "uploaded_at"]
    readonly_fields = ["markdown"]

    @admin.display(description=_("Markdown to paste in a page"))
    def markdown(self, obj: PageImage) -> str:
        return obj.markdown if obj.pk else ""
