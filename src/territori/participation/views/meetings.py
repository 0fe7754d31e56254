"""Meetings: the list with its map, the page, registration, calendars, documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territori.presentation.charts import chart_block
from territori.presentation.downloads import table_response
from territori.presentation.maps import points_map
from territori.territories.selectors import home_zones
from territori.territories.services import COMUNI_TOPOLOGY

from .. import selectors
from ..consent import consent_text
from ..decorators import rate_limit
from ..forms import RegistrationForm
from ..models import (
    ConsentRecord,
    Meeting,
    MeetingDocument,
    Registration,
)
from ..services import (
    ParticipationError,
    meeting_register,
    meetings_ical,
    registration_cancel,
)
from .common import private_file


def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = list(selectors.meeting_list(**selectors.meeting_filters(request.GET)))
    now = timezone.now()
    points = [
        {
            "latitude": float(m.latitude),
            "longitude": float(m.longitude),
            "label": m.title,
            "kind": str(m.get_kind_display()),
            "when": timezone.localtime(m.starts_at).strftime("%d/%m/%Y %H:%M"),
            "place": m.place_name,
        }
        for m in meetings
        if m.latitude is not None and m.longitude is not None
    ]
    months: dict[str, list[Meeting]] = {}
    for meeting in meetings:
        months.setdefault(timezone.localtime(meeting.starts_at).strftime("%Y-%m"), []).append(
            meeting
        )
    query = request.GET.copy()
    query["formato"] = "csv"
    context = {
        "meetings": meetings,
        "months": months,
        "now": now,
        "kinds": Meeting.Kind.choices,
        "processes": selectors.process_choices(),
        "zones": list(home_zones()),
        "filters": request.GET,
        "map": chart_block(
            points_map(
                topology_url=reverse("portal:topology", kwargs={"key": COMUNI_TOPOLOGY}),
                points=points,
                description=_("Map of the meetings that have a place, coloured by type."),
            ),
            chart_id="chart-meetings",
            csv_url=reverse("participation:meetings_csv") + "?" + request.GET.urlencode(),
            title=_("Where the meetings take place"),
        ),
    }
    return render(request, "participation/meeting_list.html", context)


MEETING_HEADER = [
    "codice",
    "tipo",
    "titolo",
    "inizio",
    "fine",
    "luogo",
    "comune",
    "zona",
    "online",
    "processo",
    "dati",
]


def meetings_csv(request: HttpRequest) -> HttpResponse:
    rows = [
        [
            m.code,
            m.kind,
            m.title,
            timezone.localtime(m.starts_at).isoformat(),
            timezone.localtime(m.ends_at).isoformat(),
            m.place_name,
            m.comune.name if m.comune else "",
            m.zone.name if m.zone else "",
            m.online_url,
            m.process.code if m.process else "",
            m.data_status,
        ]
        for m in selectors.meeting_list(**selectors.meeting_filters(request.GET))
    ]
    return table_response(MEETING_HEADER, rows, name="incontri", fmt="csv")


def meeting_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        meeting = selectors.meeting_detail(code)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    counts = selectors.registration_counts(meeting) if meeting.registration_required else {}
    context = {
        "meeting": meeting,
        "agenda": list(meeting.agenda.all()),
        "documents": [d for d in meeting.all_documents if d.public],  # type: ignore[attr-defined]
        "registration": registration,
        "counts": counts,
        "places_left": (
            max(0, meeting.capacity - counts.get("confirmed", 0))
            if meeting.capacity is not None and counts
            else None
        ),
        "registration_open": meeting.registration_open(),
        "form": RegistrationForm(),
        "consent_text": consent_text(ConsentRecord.Purpose.REGISTRATION),
        "can_manage": request.user.has_perm("participation.change_registration"),
        "total_minutes": sum(item.duration or 0 for item in meeting.agenda.all()),
    }
    return render(request, "participation/meeting.html", context)


def meeting_ical(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("comune"), code=code)
    response = HttpResponse(
        meetings_ical(meetings=[meeting], name=meeting.title),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{code}.ics"'
    return response


@login_required
@require_POST
@rate_limit("registration", limit=20, period=3600, per_user=True)
def meeting_register_view(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Registration not sent: agree to the terms to register."))
        return redirect("participation:meeting", code=code)
    try:
        registration = meeting_register(
            meeting=meeting,
            user=request.user,
            organisation_name=form.cleaned_data["organisation_name"],
            needs=form.cleaned_data["needs"],
        )
    except ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(
                request,
                _(
                    "You are registered. Your check-in code is %(code)s; we have emailed it to you with a calendar file."
                )
                % {"code": registration.code},
            )
        else:
            messages.info(
                request,
                _(
                    "The meeting is full: you are on the waiting list. We will email you if a place frees up."
                ),
            )
    return redirect("participation:meeting", code=code)


@login_required
@require_POST
def registration_cancel_view(request: HttpRequest, code: str) -> HttpResponse:
    registration = get_object_or_404(Registration, meeting__code=code, user=request.user)
    try:
        registration_cancel(registration=registration)
    except ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("participation:meeting", code=code)


def meeting_document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(MeetingDocument.objects.select_related("meeting"), pk=pk)
    if not document.public:
        registered = selectors.is_registered(meeting=document.meeting, user=request.user)
        if not (registered or request.user.has_perm("participation.change_meeting")):
            raise PermissionDenied(_("This document is for the people registered."))
    return private_file(document)
