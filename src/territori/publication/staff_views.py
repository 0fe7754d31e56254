"""Staff pages of publication: build the monitoring report and follow its progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors
from .services import report_build_request

CHANGE_REPORT = "publication.change_report"


@login_required
@permission_required(CHANGE_REPORT, raise_exception=True)
def report_list(request: HttpRequest) -> HttpResponse:
    reports = selectors.reports_for_staff()
    return render(request, "publication/staff_report_list.html", {"reports": reports})


@login_required
@permission_required(CHANGE_REPORT, raise_exception=True)
def report_status(request: HttpRequest, year: int) -> HttpResponse:
    """The build's progress; the page asks again every two seconds while it runs (htmx)."""
    report = get_object_or_404(selectors.reports_for_staff(), year=year)
    return render(request, "publication/_report_status.html", {"report": report})


@require_POST
@login_required
@permission_required(CHANGE_REPORT, raise_exception=True)
def report_build_view(request: HttpRequest, year: int) -> HttpResponse:
    report = get_object_or_404(selectors.reports_for_staff(), year=year)
    if report_build_request(report=report):
        messages.success(request, _("The report is being built; this page shows its progress."))
    else:
        messages.warning(request, _("The report is already being built."))
    return redirect("publication_staff:reports")
