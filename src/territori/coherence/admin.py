from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from territori.core.admin import AuditedAdmin
from territori.frameworks.models import Framework, Node

from .models import AgreedScore, Matrix, MatrixNode, Score, SystemMap
from .services import matrix_set_axes


def level_choices() -> list[tuple[str, str]]:
    choices = [("", "—")]
    for framework in Framework.objects.order_by("order", "code"):
        for level in framework.level_codes():
            label = f"{framework.short_name or framework.code} · {framework.level_label(level)}"
            choices.append((f"{framework.code}:{level}", label))
    return choices


class MatrixForm(forms.ModelForm[Matrix]):
    """Rows and columns can be filled at once with every node of a framework's level."""

    rows_from = forms.ChoiceField(
        label=_("Fill the rows with every node of"), required=False, choices=level_choices
    )
    columns_from = forms.ChoiceField(
        label=_("Fill the columns with every node of"), required=False, choices=level_choices
    )

    class Meta:
        model = Matrix
        fields = [
            "code",
            "title_it",
            "title_en",
            "purpose_it",
            "purpose_en",
            "analysis",
            "direction",
            "status",
            "data_status",
            "owner",
            "assessors",
            "published_at",
            "review_due",
        ]


def _level_nodes(value: str) -> list[Node]:
    framework, _sep, level = value.partition(":")
    return list(Node.objects.filter(framework__code=framework, level=level).order_by("position"))


class MatrixNodeInline(admin.TabularInline[MatrixNode, Any]):
    model = MatrixNode
    extra = 0
    autocomplete_fields = ["node"]
    fields = ["axis", "order", "node"]


@admin.register(Matrix)
class MatrixAdmin(AuditedAdmin):
    list_display = ["code", "title_it", "analysis", "direction", "status", "owner", "updated_at"]
    list_filter = ["status", "analysis", "direction", "data_status"]
    search_fields = ["code", "title_it", "title_en"]
    filter_horizontal = ["assessors"]
    inlines = [MatrixNodeInline]
    form = MatrixForm

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        rows_from, columns_from = (
            form.cleaned_data.get("rows_from"),
            form.cleaned_data.get("columns_from"),
        )
        if rows_from or columns_from:
            current: dict[str, list[Node]] = {"row": [], "column": []}
            for item in form.instance.axis_nodes.select_related("node").order_by("order"):
                current[item.axis].append(item.node)
            matrix_set_axes(
                matrix=form.instance,
                rows=_level_nodes(rows_from) if rows_from else current["row"],
                columns=_level_nodes(columns_from) if columns_from else current["column"],
            )


class ScoredInGridAdmin(admin.ModelAdmin[Any]):
    """Scores are written in the grid editor (with its locking), not here: read only."""

    list_select_related = ["matrix", "row", "column"]
    list_filter = ["matrix", "score"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Score)
class ScoreAdmin(ScoredInGridAdmin):
    list_display = ["matrix", "row", "column", "assessor", "score", "confidence", "updated_at"]


@admin.register(AgreedScore)
class AgreedScoreAdmin(ScoredInGridAdmin):
    list_display = ["matrix", "row", "column", "score", "decided_by", "updated_at"]


@admin.register(SystemMap)
class SystemMapAdmin(AuditedAdmin):
    """Create a map here (code, Mission, title); its factors and influences are edited on
    the map's staff page, seeded from a matrix or drawn by hand."""

    list_display = ["code", "title_it", "node", "data_status", "updated_at"]
    search_fields = ["code", "title_it"]
    autocomplete_fields = ["node"]
    filter_horizontal = ["editors"]
