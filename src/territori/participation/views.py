"""Public participation pages: processes, bodies, meetings, contributions, questionnaires,
the newsletter. Staff pages (moderation, check-in, exports) are in staff_views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territori.core.models import DataStatus
from territori.presentation.charts import bar_chart_counts, chart_block
from territori.presentation.downloads import table_response
from territori.presentation.maps import points_map
from territori.territories.selectors import home_zones
from territori.territories.services import COMUNI_TOPOLOGY

from . import selectors
from .consent import consent_text
from .decorators import rate_limit
from .forms import ContributionForm, RegistrationForm, ReportForm, SubscribeForm
from .models import (
    Body,
    BodyDocument,
    ConsentRecord,
    Contribution,
    ContributionAttachment,
    Meeting,
    MeetingDocument,
    NewsletterIssue,
    Process,
    Questionnaire,
    Registration,
    Support,
)
from .services import (
    ParticipationError,
    Upload,
    contribution_report,
    contribution_submit,
    contribution_support,
    contribution_unsupport,
    contributions_open,
    current_phase,
    is_verified_participant,
    meeting_register,
    meetings_ical,
    registration_cancel,
)
from .services import questionnaires as qs
from .services.newsletter import localise, subscribe, subscription_confirm, unsubscribe


def _private_file(stored: Any) -> FileResponse:
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type=stored.media_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Home, processes, bodies ---------------------------------------------------------------------


def participation_home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context = {
        "processes": list(selectors.process_list()),
        "bodies": list(Body.objects.all()),
        "upcoming": list(
            Meeting.objects.filter(ends_at__gte=now)
            .select_related("zone", "comune")
            .order_by("starts_at")[:6]
        ),
        "recent": list(
            Meeting.objects.filter(ends_at__lt=now)
            .select_related("zone")
            .order_by("-starts_at")[:6]
        ),
        "questionnaires": list(Questionnaire.objects.order_by("-opens_at")[:5]),
        "now": now,
    }
    return render(request, "participation/home.html", context)


def process_detail(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(
        Process.objects.prefetch_related("phases", "nodes__framework", "zones"), code=code
    )
    today = timezone.localdate()
    phases = list(process.phases.all())
    meetings = list(
        process.meetings.select_related("zone", "comune", "phase").order_by("starts_at")
    )
    listing = selectors.contribution_listing(selectors.ContributionFilters(process=code))
    context = {
        "process": process,
        "phases": phases,
        "current": current_phase(process, today),
        "open_phase": contributions_open(process, today),
        "meetings": meetings,
        "listing": listing,
        "bodies": list(process.bodies.all()),
        "questionnaires": list(process.questionnaires.all()),
        "today": today,
    }
    return render(request, "participation/process.html", context)


def process_ical(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(Process, code=code)
    meetings = process.meetings.select_related("comune").order_by("starts_at")
    body = meetings_ical(meetings, name=process.title)
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
    return _private_file(document)


# --- Meetings ---------------------------------------------------------------------------------------


def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = list(selectors.meeting_list(request.GET))
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
        "processes": list(Process.objects.all()),
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
        [m.code, m.kind, m.title, timezone.localtime(m.starts_at).isoformat(),
         timezone.localtime(m.ends_at).isoformat(), m.place_name,
         m.comune.name if m.comune else "", m.zone.name if m.zone else "", m.online_url,
         m.process.code if m.process else "", m.data_status]
        for m in selectors.meeting_list(request.GET)
    ]  # fmt: skip
    return table_response(MEETING_HEADER, rows, name="incontri", fmt="csv")


def meeting_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        meeting = selectors.meeting_detail(code)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(meeting=meeting, user=request.user).first()
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
        meetings_ical([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8"
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
            meeting,
            request.user,
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
        registration_cancel(registration)
    except ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("participation:meeting", code=code)


def meeting_document(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(MeetingDocument.objects.select_related("meeting"), pk=pk)
    if not document.public:
        registered = (
            request.user.is_authenticated
            and Registration.objects.filter(
                meeting=document.meeting, user=request.user, status=Registration.Status.CONFIRMED
            ).exists()
        )
        if not (registered or request.user.has_perm("participation.change_meeting")):
            raise PermissionDenied(_("This document is for the people registered."))
    return _private_file(document)


# --- Contributions ----------------------------------------------------------------------------


def contribution_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ContributionFilters.from_query(request.GET)
    listing = selectors.contribution_listing(filters)
    export_query = request.GET.urlencode()
    context = {
        "listing": listing,
        "contributions": list(listing.contributions[:200]),
        "filters": filters,
        "processes": list(Process.objects.all()),
        "kinds": Contribution.Kind.choices,
        "export_query": export_query,
        "status_chart": chart_block(
            bar_chart_counts(
                rows=[{"label": str(label), "count": n} for _v, label, n in listing.by_status],
                description=_("Contributions by status of their evaluation."),
                x_title=_("Contributions"),
            ),
            chart_id="chart-status",
            csv_url=reverse("participation:contributions_export", args=["csv"])
            + "?"
            + export_query,
            title=_("Where the contributions stand"),
        ),
    }
    return render(request, "participation/contribution_list.html", context)


EXPORT_HEADER = [
    "id",
    "processo",
    "fase",
    "tipo",
    "titolo",
    "testo",
    "temi",
    "zona",
    "stato",
    "risposta",
    "risposta_data",
    "sostegni",
    "allegati",
    "inviato",
    "autore",
    "dati",
]


def contributions_export(request: HttpRequest, fmt: str) -> HttpResponse:
    listing = selectors.contribution_listing(selectors.ContributionFilters.from_query(request.GET))
    rows = [
        [c.pk, c.process.code, c.phase.position if c.phase else "", c.kind, c.title, c.body,
         " ".join(f"{n.framework.code}:{n.code}" for n in c.nodes.all()),
         c.zone.name if c.zone else "", c.status, c.answer,
         timezone.localtime(c.answered_at).date().isoformat() if c.answered_at else "",
         c.support_count, c.attachment_count,  # type: ignore[attr-defined]
         timezone.localtime(c.created_at).isoformat(), c.author_name, c.data_status]
        for c in listing.contributions
    ]  # fmt: skip
    return table_response(EXPORT_HEADER, rows, name="contributi", fmt=fmt, sheet="contributi")


@rate_limit("contribution", limit=10, period=3600, per_user=True)
def contribution_new(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(Process.objects.prefetch_related("phases"), code=code)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('participation:login')}?next={request.path}")
    phase = contributions_open(process)
    verified = is_verified_participant(request.user)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and verified and phase is not None and form.is_valid():
        files = [Upload(f.name or "", f.read()) for f in request.FILES.getlist("attachments")]
        try:
            contribution = contribution_submit(
                user=request.user,
                process=process,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                nodes=list(form.cleaned_data["nodes"]),
                zone=form.cleaned_data["zone"],
                files=files,
            )
        except ParticipationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            if exc.field == "attachments":
                form.attachment_error = str(exc)  # type: ignore[attr-defined]
        else:
            messages.success(request, _("Thank you: your contribution has been received."))
            return redirect("participation:contribution", pk=contribution.pk)
    context = {
        "process": process,
        "phase": phase,
        "verified": verified,
        "form": form,
        "consent_text": consent_text(ConsentRecord.Purpose.CONTRIBUTION),
        "similar": selectors.similar_contributions(
            f"{request.POST.get('title', '')} {request.POST.get('body', '')}", process=process
        )
        if request.method == "POST"
        else [],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/contribution_form.html", context, status=status)


def contribution_similar(request: HttpRequest, code: str) -> HttpResponse:
    """The suggestions while writing (htmx fragment; also usable on its own)."""
    process = get_object_or_404(Process, code=code)
    text = f"{request.GET.get('title', '')} {request.GET.get('body', '')}"[:2000]
    return render(
        request,
        "participation/_similar.html",
        {"similar": selectors.similar_contributions(text, process=process)},
    )


def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        contribution = selectors.contribution_detail(pk)
    except Contribution.DoesNotExist as exc:
        raise Http404 from exc
    moderator = selectors.is_moderator(request.user)
    if contribution.is_hidden and not (moderator or contribution.author_id == request.user.pk):
        return render(
            request,
            "participation/contribution_hidden.html",
            {"contribution": contribution},
            status=410,
        )
    supported = (
        request.user.is_authenticated
        and Support.objects.filter(contribution=contribution, user=request.user).exists()
    )
    context = {
        "contribution": contribution,
        "supported": supported,
        "report_form": ReportForm(),
        "moderator": moderator,
        "can_support": is_verified_participant(request.user),
    }
    return render(request, "participation/contribution.html", context)


@login_required
@require_POST
@rate_limit("support", limit=60, period=3600, per_user=True)
def contribution_support_view(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(Contribution, pk=pk)
    if not is_verified_participant(request.user):
        messages.error(request, _("Confirm your email address before supporting."))
    elif request.POST.get("action") == "withdraw":
        contribution_unsupport(contribution, request.user)
        messages.success(request, _("Support withdrawn."))
    else:
        try:
            added = contribution_support(contribution, request.user)
        except ParticipationError as exc:
            messages.error(request, str(exc))
        else:
            if added:
                messages.success(request, _("Thank you for your support."))
            else:
                messages.info(request, _("You already support this contribution."))
    return redirect("participation:contribution", pk=pk)


@login_required
@require_POST
@rate_limit("report", limit=20, period=3600, per_user=True)
def contribution_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(Contribution, pk=pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason for the report."))
    else:
        try:
            contribution_report(contribution, request.user, **form.cleaned_data)
        except ParticipationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: the moderators will look at it."))
    return redirect("participation:contribution", pk=pk)


def contribution_attachment(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        ContributionAttachment.objects.select_related("contribution"), pk=pk
    )
    contribution = attachment.contribution
    if contribution.is_hidden and not (
        selectors.is_moderator(request.user) or contribution.author_id == request.user.pk
    ):
        raise PermissionDenied(_("This contribution is hidden."))
    return _private_file(attachment)


# --- Questionnaires ------------------------------------------------------------------------------


def _questionnaire(code: str) -> Questionnaire:
    return get_object_or_404(Questionnaire.objects.prefetch_related("questions"), code=code)


@rate_limit("questionnaire", limit=20, period=3600, per_user=True)
def questionnaire_answer(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = _questionnaire(code)
    questions = list(questionnaire.questions.all())
    answered = request.user.is_authenticated and qs.already_answered(questionnaire, request.user)
    validated = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('participation:login')}?next={request.path}")
        files = {
            name: Upload(f.name or "", f.read())
            for name in request.FILES
            if (f := request.FILES.get(name)) is not None
        }
        raw = {key: request.POST.getlist(key) for key in request.POST}
        validated = qs.response_validate(questions, raw, files)
        if not request.POST.get("consent"):
            validated.errors["consent"] = _("Agree to the terms to send your answers.")
        if not validated.errors:
            try:
                qs.response_submit(questionnaire, request.user, validated)
            except ParticipationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Thank you: your answers have been recorded."))
                if questionnaire.results_public:
                    return redirect("participation:questionnaire_results", code=code)
                return redirect("participation:questionnaire", code=code)
    context = {
        "questionnaire": questionnaire,
        "questions": questions,
        "answered": answered,
        "open": questionnaire.is_open(),
        "errors": validated.errors if validated else {},
        "posted": request.POST,
        "consent_text": consent_text(ConsentRecord.Purpose.QUESTIONNAIRE),
    }
    status = 400 if validated and validated.errors else 200
    return render(request, "participation/questionnaire.html", context, status=status)


def _results_visible(request: HttpRequest, questionnaire: Questionnaire) -> None:
    if not questionnaire.results_public and not request.user.has_perm(
        "participation.view_questionnaireresponse"
    ):
        raise PermissionDenied(_("The results of this questionnaire are not public."))


def questionnaire_results(request: HttpRequest, code: str) -> HttpResponse:
    questionnaire = _questionnaire(code)
    _results_visible(request, questionnaire)
    results = qs.questionnaire_results(questionnaire)
    charts = {}
    for result in results:
        if result.counts:
            charts[result.question.pk] = chart_block(
                bar_chart_counts(
                    rows=[{"label": label, "count": n} for label, n in result.counts],
                    description=_("Answers to the question: %(q)s") % {"q": result.question.text},
                    x_title=_("Responses"),
                ),
                chart_id=f"chart-q{result.question.pk}",
                csv_url=reverse("participation:questionnaire_export", args=[code, "csv"]),
                title=result.question.text,
            )
    context = {
        "questionnaire": questionnaire,
        "results": [(r, charts.get(r.question.pk)) for r in results],
        "responses": questionnaire.responses.count(),
    }
    return render(request, "participation/questionnaire_results.html", context)


def questionnaire_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    questionnaire = _questionnaire(code)
    _results_visible(request, questionnaire)
    header, rows = qs.export_table(questionnaire)
    return table_response(header, rows, name=code, fmt=fmt, sheet="risposte")


# --- Newsletter -----------------------------------------------------------------------------------


@rate_limit("subscribe", limit=10, period=3600)
def newsletter(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscribe(
            email=form.cleaned_data["email"],
            nodes=list(form.cleaned_data["nodes"]),
            zones=list(form.cleaned_data["zones"]),
            language=(get_language() or "it")[:2],
        )
        messages.success(request, _("Almost done: open the link we have emailed you to confirm."))
        return redirect("participation:newsletter")
    context = {
        "form": form,
        "issues": list(NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT)),
        "consent_text": consent_text(ConsentRecord.Purpose.NEWSLETTER),
    }
    return render(
        request, "participation/newsletter.html", context, status=400 if form.errors else 200
    )


def _message(request: HttpRequest, text: str, *, status: int = 200) -> HttpResponse:
    context = {"title": _("Newsletter"), "text": text}
    return render(request, "participation/message.html", context, status=status)


def newsletter_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription_confirm(token)
    except ParticipationError as exc:
        return _message(request, str(exc), status=400)
    return _message(request, _("Subscription confirmed: thank you."))


def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST unsubscribes (also the mail client's one-click POST)."""
    if request.method == "POST":
        try:
            unsubscribe(token)
        except ParticipationError as exc:
            return _message(request, str(exc), status=400)
        return _message(
            request, _("You have been unsubscribed. No more issues will be sent to you.")
        )
    return render(request, "participation/unsubscribe.html", {"token": token})


# One-click unsubscribe (RFC 8058) comes from mail providers without a CSRF token.
newsletter_unsubscribe.csrf_exempt = True  # type: ignore[attr-defined]


def newsletter_issue(request: HttpRequest, number: int) -> HttpResponse:
    issue = get_object_or_404(NewsletterIssue, number=number, status=NewsletterIssue.Status.SENT)
    content = localise(
        issue.content or {}, "en" if (get_language() or "it").startswith("en") else "it"
    )
    return render(
        request,
        "participation/newsletter_issue.html",
        {"issue": issue, "content": content, "demo": issue.data_status == DataStatus.ILLUSTRATIVE},
    )
