"""Staff pages: the moderation queue and answers, check-in at the door, registration lists."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.presentation.downloads import table_response

from .. import selectors
from ..forms import AnswerForm, CheckInForm, DebateCloseForm, HideForm, InvitationForm, OutcomeForm
from ..models import Comment, Contribution, ContributionOutcome, Debate, Meeting, Questionnaire
from ..selectors.comments import NoTarget, comment_moderation_queue, comment_target
from ..selectors.outcomes import outcome_views
from ..selectors.questionnaires import invitation_stats
from ..services import (
    ParticipationError,
    contribution_answer,
    contribution_hide,
    contribution_restore,
    registration_check_in,
)
from ..services.comments import comment_hide, comment_restore, debate_close
from ..services.invitations import invitation_candidates, questionnaire_invite
from ..services.outcomes import TAKEN_UP, outcome_link, outcome_unlink

MODERATE = "participation.change_contribution"
MANAGE_REGISTRATIONS = "participation.change_registration"
INVITE = "participation.add_questionnaireinvitation"
LINK_OUTCOMES = "participation.add_contributionoutcome"


def _number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 12 else 0


@login_required
@permission_required(MODERATE, raise_exception=True)
def moderation_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.moderation_queue()
    context = {key: list(value) for key, value in queue.items()}
    context.update(comment_moderation_queue())
    return render(request, "participation/staff/moderation.html", context)


@login_required
@permission_required(MODERATE, raise_exception=True)
def contribution_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(
        Contribution.objects.select_related("process").prefetch_related("reports", "attachments"),
        pk=pk,
    )
    answer_form = AnswerForm(
        request.POST if request.POST.get("form") == "answer" else None,
        initial={"status": contribution.status, "answer": contribution.answer},
    )
    hide_form = HideForm(request.POST if request.POST.get("form") == "hide" else None)
    outcome_form = OutcomeForm(request.POST if request.POST.get("form") == "outcome" else None)
    if request.method == "POST":
        if request.POST.get("form") in ("outcome", "unlink") and not request.user.has_perm(
            LINK_OUTCOMES
        ):
            raise PermissionDenied
        try:
            if request.POST.get("form") == "outcome" and outcome_form.is_valid():
                outcome_link(
                    contribution=contribution, actor=request.user, **outcome_form.cleaned_data
                )
                messages.success(request, _("The contribution is linked to its result."))
                return redirect("participation_staff:contribution", pk=pk)
            if request.POST.get("form") == "unlink":
                outcome = ContributionOutcome.objects.filter(
                    contribution=contribution, pk=_number(request.POST.get("outcome"))
                ).first()
                if outcome is not None:
                    outcome_unlink(outcome=outcome, actor=request.user)
                    messages.success(request, _("The link is removed."))
                return redirect("participation_staff:contribution", pk=pk)
            if request.POST.get("form") == "answer" and answer_form.is_valid():
                contribution_answer(
                    contribution=contribution, actor=request.user, **answer_form.cleaned_data
                )
                messages.success(request, _("The answer is published."))
                return redirect("participation_staff:contribution", pk=pk)
            if request.POST.get("form") == "hide" and hide_form.is_valid():
                contribution_hide(
                    contribution=contribution,
                    reason=hide_form.cleaned_data["reason"],
                    actor=request.user,
                )
                messages.success(request, _("The contribution is hidden."))
                return redirect("participation_staff:contribution", pk=pk)
            if request.POST.get("form") == "restore":
                contribution_restore(contribution=contribution, actor=request.user)
                messages.success(request, _("The contribution is visible."))
                return redirect("participation_staff:contribution", pk=pk)
        except ParticipationError as exc:
            target = {"answer": answer_form, "outcome": outcome_form}.get(
                request.POST.get("form", ""), hide_form
            )
            target.add_error(exc.field if exc.field in target.fields else None, str(exc))
    context = {
        "contribution": contribution,
        "answer_form": answer_form,
        "hide_form": hide_form,
        "reports": list(contribution.reports.all()),
        "outcome_form": outcome_form,
        "outcomes": outcome_views(contribution_ids=[contribution.pk]).get(contribution.pk, []),
        "can_link": contribution.status in TAKEN_UP and request.user.has_perm(LINK_OUTCOMES),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/staff/contribution.html", context, status=status)


@login_required
@permission_required(MANAGE_REGISTRATIONS, raise_exception=True)
def check_in(request: HttpRequest, code: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = registration_check_in(meeting=meeting, code=form.cleaned_data["code"])
        except ParticipationError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, _("%(code)s checked in.") % {"code": registration.code})
            return redirect("participation_staff:check_in", code=code)
    context = {
        "meeting": meeting,
        "form": form,
        "counts": selectors.registration_counts(meeting),
    }
    return render(
        request, "participation/staff/check_in.html", context, status=400 if form.errors else 200
    )


REGISTRATION_HEADER = [
    "codice",
    "stato",
    "email",
    "nome_pubblico",
    "organizzazione",
    "esigenze",
    "iscritto",
    "presente",
]


@login_required
@permission_required(MANAGE_REGISTRATIONS, raise_exception=True)
def registrations_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting, code=code)
    registrations = selectors.meeting_registrations(meeting=meeting)
    rows = [
        [
            r.code,
            r.status,
            r.user.email,
            getattr(getattr(r.user, "participant", None), "display_name", ""),
            r.organisation_name,
            r.needs,
            timezone.localtime(r.created_at).isoformat(),
            timezone.localtime(r.checked_in_at).isoformat() if r.checked_in_at else "",
        ]
        for r in registrations
    ]
    return table_response(
        REGISTRATION_HEADER, rows, name=f"{code}-iscrizioni", fmt=fmt, sheet="iscrizioni"
    )


@login_required
@permission_required(MODERATE, raise_exception=True)
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment with its reports: hide it (with a public reason) or keep it visible."""
    comment = get_object_or_404(Comment.objects.prefetch_related("reports"), pk=pk)
    try:
        target = comment_target(kind=comment.target_kind, pk=comment.target_id)
    except NoTarget:
        target = None
    hide_form = HideForm(request.POST if request.POST.get("form") == "hide" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "hide" and hide_form.is_valid():
                comment_hide(
                    comment=comment, reason=hide_form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, _("The comment is hidden."))
                return redirect("participation_staff:comment", pk=pk)
            if request.POST.get("form") == "restore":
                comment_restore(comment=comment, actor=request.user)
                messages.success(request, _("The comment is visible."))
                return redirect("participation_staff:comment", pk=pk)
        except ParticipationError as exc:
            hide_form.add_error(exc.field if exc.field in hide_form.fields else None, str(exc))
    context = {
        "comment": comment,
        "target": target,
        "hide_form": hide_form,
        "reports": list(comment.reports.all()),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/staff/comment.html", context, status=status)


@login_required
@permission_required(MODERATE, raise_exception=True)
def debate_close_view(request: HttpRequest, code: str) -> HttpResponse:
    debate = get_object_or_404(Debate, code=code)
    form = DebateCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            debate_close(debate=debate, actor=request.user, **form.cleaned_data)
        except ParticipationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The debate is closed and its summary published."))
            return redirect("participation:debate", code=code)
    status = 400 if request.method == "POST" else 200
    context = {"debate": debate, "form": form}
    return render(request, "participation/staff/debate_close.html", context, status=status)


@login_required
@permission_required(INVITE, raise_exception=True)
def questionnaire_invitations(request: HttpRequest, code: str) -> HttpResponse:
    """Invite the past participants of the questionnaire's process; the response rate."""
    questionnaire = get_object_or_404(Questionnaire.objects.select_related("process"), code=code)
    form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = questionnaire_invite(questionnaire=questionnaire, actor=request.user)
            except ParticipationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("%(n)d people invited; the emails are on their way.") % {"n": sent}
                )
                return redirect("participation_staff:questionnaire_invitations", code=code)
        status = 400
    context = {
        "questionnaire": questionnaire,
        "form": form,
        "stats": invitation_stats(questionnaire=questionnaire),
        "candidates": len(invitation_candidates(questionnaire=questionnaire)),
    }
    return render(
        request, "participation/staff/questionnaire_invitations.html", context, status=status
    )
