"""The scoring grid of a matrix (assessors and coordinator), Excel export and import.

The grid works without JavaScript (each cell is a link that opens the side panel, the panel
is a plain form); `static/territori/js/coherence-grid.js` adds arrow-key navigation and saves
without reloading (the same view answers JSON when asked).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from territori.frameworks.models import Node
from territori.io.errors import InputValidationError

from . import selectors as coh
from .models import SCORE_CHOICES, Axis, Confidence, Influence, Matrix, SystemMap
from .selectors import can_coordinate, can_score, can_view
from .services import (
    EditConflict,
    NotAllowed,
    SystemMapError,
    agreed_save,
    factor_add,
    influence_remove,
    influence_set,
    matrix_export_xlsx,
    matrix_import,
    matrix_set_status,
    score_clear,
    score_save,
    system_seed_from_matrix,
)

FILTERS = {
    "": gettext_lazy("all cells"),
    "mine": gettext_lazy("not scored by me"),
    "unscored": gettext_lazy("not scored by anyone"),
    "disagree": gettext_lazy("assessors disagree"),
    "negative": gettext_lazy("negative cells"),
}


def _matrix_for(request: HttpRequest, code: str) -> Matrix:
    matrix = get_object_or_404(Matrix, code=code)
    if not (
        can_score(user=request.user, matrix=matrix)
        or can_coordinate(user=request.user, matrix=matrix)
    ):
        if can_view(user=request.user, matrix=matrix) and matrix.status == Matrix.Status.PUBLISHED:
            raise PermissionDenied(_("A published matrix can no longer be scored."))
        raise PermissionDenied(_("Only the matrix's assessors and coordinator use its grid."))
    return matrix


def _matches(cell: coh.Cell, filter_name: str) -> bool:
    if filter_name == "mine":
        return cell.mine is None
    if filter_name == "unscored":
        return not cell.scores and cell.agreed is None
    if filter_name == "disagree":
        return cell.disagree and cell.agreed is None
    if filter_name == "negative":
        return cell.value is not None and cell.value < 0
    return True


def _node(value: str) -> Node | None:
    return (
        Node.objects.filter(pk=value).select_related("framework").first()
        if value.isdigit()
        else None
    )


def _version(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _conflict_payload(current: Any) -> dict[str, Any]:
    if current is None:
        return {"score": None, "version": None, "rationale": ""}
    return {
        "score": current.score,
        "version": current.version,
        "rationale": getattr(current, "rationale", getattr(current, "note", "")),
        "updated_at": current.updated_at.isoformat(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def grid(request: HttpRequest, code: str) -> HttpResponse:
    matrix = _matrix_for(request, code)
    selected_row = _node(request.POST.get("row") or request.GET.get("riga", ""))
    selected_column = _node(request.POST.get("column") or request.GET.get("colonna", ""))
    message, problems, conflict, status = "", [], None, 200
    submitted: dict[str, str] = {}
    if request.method == "POST" and selected_row and selected_column:
        submitted = {
            k: request.POST.get(k, "")
            for k in (
                "score",
                "rationale",
                "conditions",
                "confidence",
                "evidence",
                "indicators",
                "note",
                "version",
                "action",
            )
        }
        action = submitted["action"] or "save"
        try:
            if action == "agree":
                saved: Any = agreed_save(
                    matrix=matrix,
                    row=selected_row,
                    column=selected_column,
                    coordinator=request.user,
                    score=submitted["score"],
                    note=submitted["note"],
                    expected_version=_version(submitted["version"]),
                )
            elif action == "clear":
                score_clear(
                    matrix=matrix,
                    row=selected_row,
                    column=selected_column,
                    assessor=request.user,
                    expected_version=_version(submitted["version"]) or 0,
                )
                saved = None
            else:
                saved = score_save(
                    matrix=matrix,
                    row=selected_row,
                    column=selected_column,
                    assessor=request.user,
                    score=submitted["score"],
                    rationale=submitted["rationale"],
                    conditions=submitted["conditions"],
                    confidence=submitted["confidence"] or Confidence.MEDIUM,
                    evidence=submitted["evidence"],
                    indicator_codes=[c.strip() for c in submitted["indicators"].split(",")],
                    documents=[
                        (f.name or "document", f.read()) for f in request.FILES.getlist("documents")
                    ],
                    expected_version=_version(submitted["version"]),
                )
            if _wants_json(request):
                return JsonResponse(
                    {
                        "ok": True,
                        "version": saved.version if saved else None,
                        "score": saved.score if saved else None,
                    }
                )
            url = reverse("coherence_staff:grid", kwargs={"code": matrix.code})
            return redirect(f"{url}?riga={selected_row.pk}&colonna={selected_column.pk}&salvato=1")
        except EditConflict as exc:
            conflict, status = _conflict_payload(exc.current), 409
            message = _(
                "Someone saved this cell after you opened it. Their version is shown below; your text is kept in the form: check it and save again to replace theirs."
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        except InputValidationError as exc:
            problems, status = [str(e) for e in exc.errors], 400
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "message": message, "errors": problems, "current": conflict},
                status=status,
            )
    data = coh.matrix_grid(matrix=matrix, user=request.user)
    filter_name = request.GET.get("filtro", "")
    if filter_name not in FILTERS:
        filter_name = ""
    axes = data.axes
    rows = [
        (
            row,
            axes.label(row, Axis.ROW),
            [
                (cell, cell is not None and _matches(cell, filter_name))
                for cell in (data.cell(row, column) for column in axes.columns)
            ],
        )
        for row in axes.rows
    ]
    cell = data.cell(selected_row, selected_column) if selected_row and selected_column else None
    history = coh.cell_history(matrix=matrix, row=cell.row, column=cell.column) if cell else []
    mine_count = sum(1 for c in data.cells.values() if c.mine is not None)
    if cell is not None and conflict is not None and conflict.get("version") is not None:
        submitted["version"] = str(conflict["version"])  # a second save replaces knowingly
    context = {
        "matrix": matrix,
        "grid": data,
        "rows": rows,
        "columns": [(c, axes.label(c, Axis.COLUMN)) for c in axes.columns],
        "cell": cell,
        "history": history,
        "filters": FILTERS,
        "filter": filter_name,
        "mine_count": mine_count,
        "can_score": can_score(user=request.user, matrix=matrix),
        "can_coordinate": can_coordinate(user=request.user, matrix=matrix),
        "scale": SCORE_CHOICES,
        "confidences": Confidence.choices,
        "submitted": submitted if submitted.get("action") != "agree" else {},
        "agree_submitted": submitted if submitted.get("action") == "agree" else {},
        "message": message,
        "problems": problems,
        "conflict": conflict,
        "saved": request.GET.get("salvato") == "1",
        "statuses": Matrix.Status.choices,
    }
    return render(request, "coherence/grid.html", context, status=status)


@login_required
def export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    matrix = _matrix_for(request, code)
    response = HttpResponse(
        matrix_export_xlsx(matrix=matrix, assessor=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{matrix.code}-valutazione.xlsx"'
    return response


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Scored sheet (.xlsx or .csv)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["class"] = "form-control"


@login_required
@require_http_methods(["GET", "POST"])
def import_scores(request: HttpRequest, code: str) -> HttpResponse:
    matrix = _matrix_for(request, code)
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = matrix_import(
                matrix=matrix, data=upload.read(), filename=upload.name, assessor=request.user
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
    return render(
        request,
        "coherence/import.html",
        {"matrix": matrix, "form": form, "outcome": outcome},
        status=400 if outcome is not None and outcome.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def set_status(request: HttpRequest, code: str) -> HttpResponse:
    matrix = get_object_or_404(Matrix, code=code)
    if not (matrix.owner_id == request.user.pk or request.user.has_perm("coherence.change_matrix")):
        raise PermissionDenied(_("Only the coordinator changes the matrix's status."))
    try:
        matrix_set_status(matrix=matrix, status=request.POST.get("status", ""), actor=request.user)
    except InputValidationError as exc:
        return HttpResponse(str(exc), status=400)
    if matrix.status == Matrix.Status.PUBLISHED:
        return redirect(matrix.get_absolute_url())
    return redirect(reverse("coherence_staff:grid", kwargs={"code": matrix.code}))


# --- Systems maps ------------------------------------------------------------------------------


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class FactorForm(_Styled):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    label_it = forms.CharField(label=gettext_lazy("Label (Italian)"), max_length=200)
    label_en = forms.CharField(
        label=gettext_lazy("Label (English)"), max_length=200, required=False
    )


class InfluenceForm(_Styled):
    source = forms.CharField(label=gettext_lazy("From (factor code)"), max_length=40)
    target = forms.CharField(label=gettext_lazy("To (factor code)"), max_length=40)
    sign = forms.TypedChoiceField(
        label=gettext_lazy("Sign"),
        coerce=int,
        choices=[(1, gettext_lazy("+ same way")), (-1, gettext_lazy("− opposite way"))],
    )
    strength = forms.TypedChoiceField(
        label=gettext_lazy("Strength"), coerce=int, choices=[(1, "1"), (2, "2"), (3, "3")]
    )
    delay = forms.IntegerField(label=gettext_lazy("Delay (years)"), min_value=0, max_value=50)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class SeedForm(_Styled):
    matrix = forms.ModelChoiceField(
        label=gettext_lazy("Coherence matrix"), queryset=Matrix.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["matrix"].queryset = Matrix.objects.order_by("code")  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def system_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Add factors and influences, remove influences, seed from a matrix's agreed scores."""
    system = get_object_or_404(SystemMap.objects.select_related("node"), code=code)
    if not coh.can_edit_system(user=request.user, system=system):
        raise PermissionDenied
    which = request.POST.get("form", "")
    factor_form = FactorForm(request.POST if which == "factor" else None)
    influence_form = InfluenceForm(
        request.POST if which == "influence" else None, initial={"delay": 0, "strength": 1}
    )
    seed_form = SeedForm(request.POST if which == "seed" else None)
    if request.method == "POST":
        try:
            if which == "factor" and factor_form.is_valid():
                factor_add(system=system, actor=request.user, **factor_form.cleaned_data)
                messages.success(request, _("The factor is added."))
                return redirect("coherence_staff:system", code=code)
            if which == "influence" and influence_form.is_valid():
                influence_set(system=system, actor=request.user, **influence_form.cleaned_data)
                messages.success(request, _("The influence is saved."))
                return redirect("coherence_staff:system", code=code)
            if which == "seed" and seed_form.is_valid():
                factors, influences = system_seed_from_matrix(
                    system=system, matrix=seed_form.cleaned_data["matrix"], actor=request.user
                )
                messages.success(
                    request,
                    _("%(f)d factors and %(i)d influences added from the matrix.")
                    % {"f": factors, "i": influences},
                )
                return redirect("coherence_staff:system", code=code)
            if which == "remove":
                pk = request.POST.get("influence", "")
                influence = Influence.objects.filter(
                    system=system, pk=int(pk) if pk.isdigit() and len(pk) < 12 else 0
                ).first()
                if influence is not None:
                    influence_remove(influence=influence, actor=request.user)
                    messages.success(request, _("The influence is removed."))
                return redirect("coherence_staff:system", code=code)
        except SystemMapError as exc:
            target = {"factor": factor_form, "influence": influence_form}.get(which, seed_form)
            target.add_error(exc.field if exc.field in target.fields else None, str(exc))
    context = {
        "system": system,
        "view": coh.system_view(system=system),
        "factor_form": factor_form,
        "influence_form": influence_form,
        "seed_form": seed_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "coherence/system_edit.html", context, status=status)
