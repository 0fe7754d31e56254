"""Contributions: the list and its export, the form with similar contributions, the page, supports, reports, attachments."""

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

from territori.presentation.charts import bar_chart_counts, chart_block
from territori.presentation.downloads import table_response

from .. import selectors
from ..consent import consent_text
from ..decorators import rate_limit
from ..forms import ContributionForm, ReportForm, on_behalf
from ..models import (
    ConsentRecord,
    Contribution,
    ContributionAttachment,
    Process,
)
from ..selectors.delegations import organisations_of
from ..selectors.outcomes import outcome_views
from ..services import (
    ParticipationError,
    Upload,
    contribution_report,
    contribution_submit,
    contribution_support,
    contribution_unsupport,
)
from .common import private_file


def contribution_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.ContributionFilters.from_query(request.GET)
    listing = selectors.contribution_listing(filters)
    export_query = request.GET.urlencode()
    context = {
        "listing": listing,
        "contributions": list(listing.contributions[:200]),
        "filters": filters,
        "processes": selectors.process_choices(),
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
        [
            c.pk,
            c.process.code,
            c.phase.position if c.phase else "",
            c.kind,
            c.title,
            c.body,
            " ".join(f"{n.framework.code}:{n.code}" for n in c.nodes.all()),
            c.zone.name if c.zone else "",
            c.status,
            c.answer,
            timezone.localtime(c.answered_at).date().isoformat() if c.answered_at else "",
            c.support_count,
            c.attachment_count,  # type: ignore[attr-defined]
            timezone.localtime(c.created_at).isoformat(),
            c.author_name,
            c.data_status,
        ]
        for c in listing.contributions
    ]
    return table_response(EXPORT_HEADER, rows, name="contributi", fmt=fmt, sheet="contributi")


@rate_limit("contribution", limit=10, period=3600, per_user=True)
def contribution_new(request: HttpRequest, code: str) -> HttpResponse:
    process = get_object_or_404(Process.objects.prefetch_related("phases"), code=code)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('participation:login')}?next={request.path}")
    phase = selectors.contributions_open(process=process)
    verified = selectors.is_verified_participant(user=request.user)
    form = ContributionForm(request.POST or None)
    on_behalf(form, organisations_of(user=request.user))
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
                organisation=form.cleaned_data.get("organisation"),
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
    supported = selectors.has_supported(contribution=contribution, user=request.user)
    context = {
        "contribution": contribution,
        "supported": supported,
        "report_form": ReportForm(),
        "moderator": moderator,
        "can_support": selectors.is_verified_participant(user=request.user),
        "organisations": organisations_of(user=request.user),
        "outcomes": outcome_views(contribution_ids=[contribution.pk]).get(contribution.pk, []),
    }
    return render(request, "participation/contribution.html", context)


@login_required
@require_POST
@rate_limit("support", limit=60, period=3600, per_user=True)
def contribution_support_view(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(Contribution, pk=pk)
    if not selectors.is_verified_participant(user=request.user):
        messages.error(request, _("Confirm your email address before supporting."))
    elif request.POST.get("action") == "withdraw":
        contribution_unsupport(contribution=contribution, user=request.user)
        messages.success(request, _("Support withdrawn."))
    else:
        organisation = None
        if request.POST.get("organisation"):
            organisation = next(
                (
                    o
                    for o in organisations_of(user=request.user)
                    if str(o.pk) == request.POST["organisation"]
                ),
                None,
            )
            if organisation is None:
                messages.error(request, _("You are not a verified delegate of that organisation."))
                return redirect("participation:contribution", pk=pk)
        try:
            added = contribution_support(
                contribution=contribution, user=request.user, organisation=organisation
            )
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
            contribution_report(contribution=contribution, user=request.user, **form.cleaned_data)
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
    return private_file(attachment)
