"""Participation's home, processes and standing bodies (and their private documents)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import selectors
from ..models import (
    Body,
    BodyDocument,
    Process,
)
from ..selectors.outcomes import process_account
from ..selectors.priorities import prioritisations_of
from ..services import (
    meetings_ical,
)
from .common import private_file


def participation_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    home = selectors.participation_home(now=now)
    context = {
        "processes": home.processes,
        "bodies": home.bodies,
        "upcoming": home.upcoming,
        "recent": home.recent,
        "questionnaires": home.questionnaires,
        "now": now,
    }
    return render(request, "participation/home.html", context)


def process_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        process = selectors.process_page(code=code)
    except Process.DoesNotExist as exc:
        raise Http404 from exc
    today = timezone.localdate()
    phases = list(process.phases.all())
    meetings = list(
        process.meetings.select_related("zone", "comune", "phase").order_by("starts_at")
    )
    listing = selectors.contribution_listing(selectors.ContributionFilters(process=code))
    context = {
        "process": process,
        "phases": phases,
        "current": selectors.current_phase(process=process, today=today),
        "open_phase": selectors.contributions_open(process=process, today=today),
        "meetings": meetings,
        "listing": listing,
        "bodies": list(process.bodies.all()),
        "questionnaires": list(process.questionnaires.all()),
        "debates": selectors.debates_of(process=process),
        "prioritisations": prioritisations_of(process=process),
        "today": today,
    }
    return render(request, "participation/process.html", context)


def process_account_view(request: HttpRequest, code: str) -> HttpResponse:
    """What we did with your contributions: how each was answered, and where the accepted
    ones went, with the progress of each result."""
    process = get_object_or_404(Process, code=code)
    context = {"process": process, "account": process_account(process=process)}
    return render(request, "participation/process_account.html", context)


def process_ical(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(Process, code=code)
    meetings = process.meetings.select_related("comune").order_by("starts_at")
    body = meetings_ical(meetings=meetings, name=process.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{code}.ics"'
    return response


def body_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        body = selectors.body_detail(code)
    except Body.DoesNotExist as exc:
        raise Http404 from exc
    member = selectors.is_body_member(request.user, body)
    summaries = list(
        body.meetings.filter(minutes_published_at__isnull=False).order_by("-starts_at")
    )
    upcoming = list(body.meetings.filter(ends_at__gte=timezone.now()).order_by("starts_at"))
    context = {
        "body": body,
        "members": list(body.members.all()),
        "summaries": summaries,
        "upcoming": upcoming,
        "is_member": member,
        "documents": list(body.documents.all()) if member else [],
    }
    return render(request, "participation/body.html", context)


def body_document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(BodyDocument.objects.select_related("body"), pk=pk)
    if not selectors.is_body_member(request.user, document.body):
        raise PermissionDenied(_("Only the body's members can open its documents."))
    return private_file(document)
