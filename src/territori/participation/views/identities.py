"""Sign-in with SPID and CIE (OpenID Connect): to the provider and back, the first sign-in's
account (a public name and the consent), linking an identity to an account, unlinking."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..consent import consent_text
from ..decorators import rate_limit
from ..forms import IdentitySignUpForm
from ..models import ConsentRecord, ExternalIdentity
from ..oidc import client, providers
from ..services import ParticipationError
from ..services.common import absolute_url
from ..services.identities import (
    Claims,
    email_taken,
    identity_link,
    identity_sign_up,
    identity_unlink,
    identity_user,
)

PENDING = "territori.identity.pending"
NEXT = "territori.identity.next"
BACKEND = "territori.participation.auth.LockoutBackend"  # the only backend (settings)


def _refused(request: HttpRequest, text: str, status: int = 400) -> HttpResponse:
    context = {"title": _("Sign-in with a digital identity"), "text": text}
    return render(request, "participation/message.html", context, status=status)


def _next(request: HttpRequest) -> str:
    target = request.session.pop(NEXT, "") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return str(target)
    return reverse("participation:account")


def _callback_url(name: str) -> str:
    # The address registered with the provider: always the same, whatever the language.
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_url(path=reverse("participation:identity_callback", args=[name]))


@rate_limit("identity", limit=30, period=600)
def identity_start(request: HttpRequest, name: str) -> HttpResponse:
    """To the provider, with state, nonce and a PKCE challenge kept in the session."""
    oauth = client(name)
    if oauth is None:
        raise Http404
    request.session[NEXT] = request.GET.get("next", "")[:500]
    try:
        response: HttpResponse = oauth.authorize_redirect(request, _callback_url(name))
    except (requests.RequestException, ValueError, KeyError):
        return _refused(
            request, _("The identity provider cannot be reached: try again later."), 502
        )
    return response


def _token_claims(oauth: Any, request: HttpRequest) -> dict[str, Any]:
    from authlib.integrations.base_client.errors import OAuthError
    from joserfc.errors import JoseError

    try:
        token = oauth.authorize_access_token(request)
    except (OAuthError, JoseError, requests.RequestException, ValueError, KeyError) as exc:
        raise ParticipationError(
            _("The sign-in was not completed (%(reason)s): try again.")
            % {"reason": str(getattr(exc, "error", "") or exc.__class__.__name__)[:80]}
        ) from exc
    claims = token.get("userinfo")
    if not claims:
        raise ParticipationError(_("The identity provider sent no ID token."))
    return dict(claims)


def identity_callback(request: HttpRequest, name: str) -> HttpResponse:
    """Back from the provider: sign in, link, or go on to make the account."""
    oauth = client(name)
    if oauth is None:
        raise Http404
    if request.GET.get("error"):
        return _refused(
            request, _("The sign-in was cancelled or refused by the identity provider.")
        )
    try:
        claims = Claims.from_provider(name, _token_claims(oauth, request))
        if request.user.is_authenticated:
            identity_link(user=request.user, claims=claims)
            messages.success(request, _("Your digital identity is linked to your account."))
            return redirect("participation:account")
    except ParticipationError as exc:
        return _refused(request, str(exc))
    user = identity_user(claims=claims)
    if user is not None:
        login(request, user, backend=BACKEND)
        return redirect(_next(request))
    if email_taken(claims=claims):
        return _refused(
            request,
            _(
                "An account already uses %(email)s: log in with its password, then link the "
                "digital identity from your account page."
            )
            % {"email": claims.email},
            409,
        )
    request.session[PENDING] = claims.as_session()
    return redirect("participation:identity_complete")


@rate_limit("identity-complete", limit=10, period=3600)
def identity_complete(request: HttpRequest) -> HttpResponse:
    """The first sign-in: the public name, an email if the provider gave none, the consent."""
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("participation:login")
    claims = Claims(**pending)
    if claims.provider not in providers():
        del request.session[PENDING]
        return redirect("participation:login")
    form = IdentitySignUpForm(request.POST or None, needs_email=not claims.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = identity_sign_up(claims=claims, **form.cleaned_data)
        except ParticipationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            del request.session[PENDING]
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your account is ready."))
            return redirect(_next(request))
    context = {
        "form": form,
        "provider": providers()[claims.provider].label,
        "claims": claims,
        "consent_text": consent_text(ConsentRecord.Purpose.ACCOUNT),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/identity_complete.html", context, status=status)


@login_required
@require_POST
def identity_unlink_view(request: HttpRequest, pk: int) -> HttpResponse:
    identity = get_object_or_404(ExternalIdentity, pk=pk, user=request.user)
    try:
        identity_unlink(user=request.user, identity=identity)
    except ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The digital identity is no longer linked."))
    return redirect("participation:account")
