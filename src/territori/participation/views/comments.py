"""Comments on contributions, meetings, Missions, projects, reports and debates; debates;
a person's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..decorators import rate_limit
from ..forms import CommentForm, DigestForm, ReportForm, on_behalf
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
from ..selectors.delegations import organisations_of
from ..selectors.follows import (
    NoFollowTarget,
    digest_of,
    follow_target,
    follows_of,
    invitations_of,
)
from ..services import ParticipationError
from ..services.comments import comment_post, comment_report, notifications_mark_read
from ..services.follows import digest_choose, digest_unsubscribe, follow_toggle
from ..services.invitations import invitations_choose


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
    on_behalf(form, organisations_of(user=request.user))
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
                    organisation=form.cleaned_data.get("organisation"),
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
    """A person's notifications, how they want them by email, and what they follow."""
    form = DigestForm(
        request.POST if request.POST.get("form") == "digest" else None,
        initial={
            "digest": digest_of(user=request.user),
            "invitations": invitations_of(user=request.user),
        },
    )
    if request.method == "POST":
        if request.POST.get("form") == "digest":
            if form.is_valid():
                try:
                    digest_choose(user=request.user, digest=form.cleaned_data["digest"])
                    invitations_choose(
                        user=request.user, invitations=form.cleaned_data["invitations"]
                    )
                except ParticipationError as exc:
                    form.add_error("digest", str(exc))
                else:
                    messages.success(request, _("Your email preference is saved."))
                    return redirect("participation:notifications")
        else:
            notifications_mark_read(user=request.user)
            messages.success(request, _("All notifications are marked as read."))
            return redirect("participation:notifications")
    context = {
        "notifications": notifications_of(user=request.user),
        "form": form,
        "follows": follows_of(user=request.user),
        "is_participant": hasattr(request.user, "participant"),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/notifications.html", context, status=status)


@login_required
@require_POST
@rate_limit("follow", limit=120, period=3600, per_user=True)
def follow_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Follow or stop following; back to the page it was asked from (this site only)."""
    try:
        target = follow_target(kind=kind, pk=pk)
        following = follow_toggle(user=request.user, kind=kind, pk=pk)
    except (NoFollowTarget, ParticipationError) as exc:
        raise Http404 from exc
    if following:
        messages.success(
            request,
            _("You follow %(title)s: news about it will reach you.") % {"title": target.title},
        )
    else:
        messages.info(request, _("You no longer follow %(title)s.") % {"title": target.title})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = target.url
    return redirect(back)


def notifications_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST stops the emails (also the mail client's one-click POST)."""
    if request.method == "POST":
        try:
            digest_unsubscribe(token=token)
        except ParticipationError as exc:
            return render(
                request,
                "participation/message.html",
                {"title": _("Notification emails"), "text": str(exc)},
                status=400,
            )
        text = _("You will receive no more notification emails. Notifications stay on the site.")
        return render(
            request, "participation/message.html", {"title": _("Notification emails"), "text": text}
        )
    return render(request, "participation/notifications_unsubscribe.html", {"token": token})


# One-click unsubscribe (RFC 8058) comes from mail providers without a CSRF token.
notifications_unsubscribe.csrf_exempt = True  # type: ignore[attr-defined]
