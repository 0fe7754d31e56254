"""Participants' accounts: sign up, email verification, login, and their own data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..consent import consent_text
from ..decorators import rate_limit
from ..forms import (
    DeleteAccountForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignUpForm,
)
from ..models import ConsentRecord, ExternalIdentity
from ..oidc import providers
from ..privacy import participant_archive, participant_delete
from ..services import (
    ParticipationError,
    email_verify,
    login_failures_clear,
    participant_sign_up,
    password_reset_email_send,
    verification_email_send,
)

#: Where a new participant goes once the address is confirmed (kept in the session).
AFTER_VERIFICATION = "territori_after_verification"


def _safe_next(request: HttpRequest, value: str | None) -> str:
    """A page of this site to return to, or "" (never another site's address)."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@rate_limit("signup", limit=5, period=3600)
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    back = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and form.is_valid():
        try:
            participant_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                display_name=form.cleaned_data["display_name"],
            )
        except ParticipationError as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            if back:  # the page the person came from, after the confirmation
                request.session[AFTER_VERIFICATION] = back
            return render(
                request,
                "participation/message.html",
                {
                    "title": _("Check your email"),
                    "text": _(
                        "We have sent a link to %(email)s: open it to confirm the address "
                        "and start contributing."
                    )
                    % {"email": form.cleaned_data["email"]},
                },
            )
    context = {
        "form": form,
        "consent_text": consent_text(ConsentRecord.Purpose.ACCOUNT),
        "next": back,
    }
    return render(
        request, "participation/sign_up.html", context, status=400 if form.errors else 200
    )


def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = email_verify(token=token)
    except ParticipationError as exc:
        return render(
            request,
            "participation/message.html",
            {"title": _("Email address"), "text": str(exc)},
            status=400,
        )
    if not request.user.is_authenticated:
        login(request, user, backend="territori.participation.auth.LockoutBackend")
    messages.success(request, _("Your email address is confirmed."))
    back = _safe_next(request, request.session.pop(AFTER_VERIFICATION, ""))
    return redirect(back or "participation:account")


@login_required
@require_POST
@rate_limit("verify-resend", limit=3, period=3600, per_user=True)
def verify_resend(request: HttpRequest) -> HttpResponse:
    verification_email_send(user=request.user)
    messages.info(request, _("We have sent a new confirmation link."))
    return redirect("participation:account")


@method_decorator(rate_limit("login", limit=30, period=900), name="dispatch")
class Login(LoginView):
    template_name = "participation/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = list(providers().values())
        return context


@rate_limit("password-reset", limit=5, period=3600)
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link to set a new password; the answer is the same whether or not the
    address has an account."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password_reset_email_send(email=form.cleaned_data["email"])
        return render(
            request,
            "participation/message.html",
            {
                "title": _("Check your email"),
                "text": _(
                    "If an account uses %(email)s, we have sent it a link to set a new "
                    "password. The link works once, within %(hours)s hours."
                )
                % {
                    "email": form.cleaned_data["email"],
                    "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
                },
            },
        )
    return render(
        request,
        "participation/password_reset.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@method_decorator(rate_limit("password-reset-confirm", limit=20, period=3600), name="dispatch")
class PasswordResetConfirm(PasswordResetConfirmView):
    """The link of the email: set the new password, then log in with it (a lock-out from
    earlier failed attempts is lifted)."""

    template_name = "participation/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("participation:login")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        login_failures_clear(username=form.user.get_username())
        messages.success(self.request, _("Your new password is set: log in with it."))
        return response


@require_POST
def log_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("participation:home")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    page = selectors.account_page(user=user)
    context = {
        "participant": getattr(user, "participant", None),
        "contributions": page.contributions,
        "registrations": page.registrations,
        "consents": page.consents,
        "subscriber": page.subscriber,
        "delete_form": DeleteAccountForm(with_password=user.has_usable_password()),
        "identities": list(ExternalIdentity.objects.filter(user=user).order_by("provider")),
        "identity_providers": list(providers().values()),
        "unread": selectors.unread_notifications(user=user),
    }
    return render(request, "participation/account.html", context)


@login_required
def account_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(participant_archive(request.user), content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="i-miei-dati-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def account_delete(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    with_password = user.has_usable_password()
    form = DeleteAccountForm(request.POST, with_password=with_password)
    if with_password:
        checked = form.is_valid() and authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
    else:
        checked = form.is_valid() and (
            form.cleaned_data["password"].strip().lower() == str(user.email).lower()
        )
    if not checked:
        messages.error(
            request,
            _("The password is not right: the account was not deleted.")
            if with_password
            else _("The address is not your account's: the account was not deleted."),
        )
        return redirect("participation:account")
    if user.is_staff:
        messages.error(request, _("Staff accounts are removed by an administrator."))
        return redirect("participation:account")
    participant_delete(user)
    logout(request)
    return render(
        request,
        "participation/message.html",
        {
            "title": _("Account deleted"),
            "text": _(
                "Your account and personal data are deleted. Your public contributions stay, "
                "signed “partecipante rimosso”."
            ),
        },
    )
