"""The newsletter: subscription with double opt-in, confirmation, one-click unsubscribe, past issues."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from territori.core.models import DataStatus

from .. import selectors
from ..consent import consent_text
from ..decorators import rate_limit
from ..forms import SubscribeForm
from ..models import (
    ConsentRecord,
    NewsletterIssue,
)
from ..services import (
    ParticipationError,
)
from ..services.newsletter import localise, subscribe, subscription_confirm, unsubscribe


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
        "issues": selectors.sent_issues(),
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
        subscription_confirm(token=token)
    except ParticipationError as exc:
        return _message(request, str(exc), status=400)
    return _message(request, _("Subscription confirmed: thank you."))


def newsletter_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; POST unsubscribes (also the mail client's one-click POST)."""
    if request.method == "POST":
        try:
            unsubscribe(token=token)
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
        content=issue.content or {},
        language="en" if (get_language() or "it").startswith("en") else "it",
    )
    return render(
        request,
        "participation/newsletter_issue.html",
        {"issue": issue, "content": content, "demo": issue.data_status == DataStatus.ILLUSTRATIVE},
    )
