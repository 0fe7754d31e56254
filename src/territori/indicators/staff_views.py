"""Staff page for indicator imports: upload, preview with every problem, confirm."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from territori.io.observations import FORMATS, tidy_template
from territori.territories.selectors import home_territory_code

from . import selectors as ind
from .models import ImportBatch, Indicator
from .services import import_batch_apply, observations_preview

MAX_UPLOAD = 50 * 1024 * 1024
PERMISSION = "indicators.add_observation"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"))
    file_format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("recognise from the file")), *((f, f) for f in FORMATS)],
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator (when the file does not name it)"),
        queryset=Indicator.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    skip_unknown_territories = forms.BooleanField(
        label=_("Leave out territories the platform does not know"), required=False
    )
    area_dimension = forms.CharField(
        label=_("Territory dimension (SDMX, JSON-stat), when the file's is not recognised"),
        required=False,
        max_length=60,
    )
    time_dimension = forms.CharField(
        label=_("Time dimension (SDMX, JSON-stat), when the file's is not recognised"),
        required=False,
        max_length=60,
    )
    aggregate = forms.ChoiceField(
        label=_("Monthly, quarterly... values"),
        required=False,
        choices=[
            ("", _("refuse them (yearly values only)")),
            ("mean", _("the year's mean")),
            ("sum", _("the year's sum (complete years only)")),
            ("last", _("the year's last value")),
            ("rule", _("each indicator's rule (sum if summed from the comuni, else the mean)")),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, field in self.fields.items():
            css = "form-check-input" if name == "skip_unknown_territories" else "form-control"
            field.widget.attrs["class"] = (
                "form-select" if name in {"file_format", "indicator", "aggregate"} else css
            )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        indicator = form.cleaned_data["indicator"]
        outcome = observations_preview(
            data=upload.read(),
            filename=upload.name,
            actor=request.user,
            file_format=form.cleaned_data["file_format"] or None,
            indicator=indicator.code if indicator else None,
            skip_unknown_territories=form.cleaned_data["skip_unknown_territories"],
            area_dimension=form.cleaned_data["area_dimension"],
            time_dimension=form.cleaned_data["time_dimension"],
            aggregate=form.cleaned_data["aggregate"],
        )
        if outcome.already_imported is not None:
            return render(
                request,
                "portal/staff/import_start.html",
                {"form": ImportForm(), "already": outcome.already_imported},
            )
        assert outcome.batch is not None
        return redirect("indicators_staff:import_batch", batch_id=outcome.batch.pk)
    recent = ind.recent_import_batches(limit=20)
    return render(request, "portal/staff/import_start.html", {"form": form, "recent": recent})


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.defer("original"), pk=batch_id)
    outcome = None
    if request.method == "POST" and batch.state == ImportBatch.State.PREVIEWED:
        outcome = import_batch_apply(batch=batch, actor=request.user)
        if outcome.ok and outcome.batch is not None:
            return redirect("indicators_staff:import_batch", batch_id=outcome.batch.pk)
    return render(request, "portal/staff/import_batch.html", {"batch": batch, "outcome": outcome})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        tidy_template(example_territory=home_territory_code()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="modello-indicatori.xlsx"'
    return response
