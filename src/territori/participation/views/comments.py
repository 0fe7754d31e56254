"""Comments on contributions, meetings, Missions, projects, reports and debates; debates;
a person's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..decorators import rate_limit
from ..forms import CommentForm, ReportForm
from ..models import Comment, Debate
from ..selectors.comments import (
    NoTarget,
    comment_target,
    debate_sides,
    has_comment_consent,
    notifications_of,
)
from ..selectors.comments import (
    debate_detail as debate_read,
)
from ..services import ParticipationError
from ..services.comments import comment_post, comment_report, notifications_mark_read


@login_required
@require_POST
@rate_limit("comment", limit=30, period=3600, per_user=True)
def comment_new(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Write a comment or a reply. On a refusal the form comes back with the text as sent
    (nothing is lost) and the reason next to the field it concerns."""
    try:
        target = comment_target(kind=kind, pk=pk)
    except NoTarget as exc:
        raise Http404 from exc
    form = CommentForm(
        request.POST,
        debate=kind == Comment.Target.DEBATE,
        ask_consent=not has_comment_consent(user=request.user),
    )
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(
                pk=form.cleaned_data["parent"], target_kind=kind, target_id=pk
            ).first()
            if parent is None:
                form.add_error(None, _("The comment you answer is not here any more."))
        if form.is_valid():
            try:
                comment = comment_post(
                    user=request.user,
                    kind=kind,
                    pk=pk,
                    body=form.cleaned_data["body"],
                    parent=parent,
                    stance=form.cleaned_data.get("stance") or "",
                    consent=bool(form.cleaned_data.get("consent")),
                )
            except ParticipationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("Your comment is published."))
                return redirect(f"{target.url}#commento-{comment.pk}")
    context = {"form": form, "target": target, "kind": kind, "pk": pk}
    return render(request, "participation/comment_form.html", context, status=400)


@login_required
@require_POST
@rate_limit("report", limit=20, period=3600, per_user=True)
def comment_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=pk)
    try:
        target = comment_target(kind=comment.target_kind, pk=comment.target_id)
    except NoTarget as exc:
        raise Http404 from exc
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason for the report."))
    else:
        try:
            comment_report(comment=comment, user=request.user, **form.cleaned_data)
        except ParticipationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you: the moderators will look at it."))
    return redirect(f"{target.url}#commento-{comment.pk}")


def debate_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        debate = debate_read(code)
    except Debate.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "debate": debate,
        "sides": debate_sides(debate=debate),
        "moderator": selectors.is_moderator(request.user),
    }
    return render(request, "participation/debate.html", context)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("participation:notifications")
    context = {"notifications": notifications_of(user=request.user)}
    return render(request, "participation/notifications.html", context)
