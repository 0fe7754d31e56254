"""Participants' accounts: sign-up with a verified address, sign-in lock-out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..models import (
    ConsentRecord,
    LoginFailure,
    Participant,
)
from .common import ParticipationError, absolute_url, consent_record, email_normalise

User = get_user_model()


VERIFY_SALT = "territori.participation.verify"


VERIFY_MAX_AGE = 3 * 24 * 3600


@transaction.atomic
def participant_sign_up(*, email: str, password: str, display_name: str) -> Account | None:
    """A participant account (email as user name), its consent, and the verification email.

    When the address already has an account nothing is created and its owner gets an email
    saying so (None is returned): the page answers the same either way, so sign-up never
    tells a stranger whether an address is registered.
    """
    email = email_normalise(email=email)
    existing = User.objects.filter(username__iexact=email).first()
    if existing is not None:
        transaction.on_commit(lambda: already_registered_email_send(user=existing))
        return None
    user = User.objects.create_user(username=email, email=email, password=password)
    Participant.objects.create(user=user, display_name=display_name.strip())
    consent_record(purpose=ConsentRecord.Purpose.ACCOUNT, user=user)
    transaction.on_commit(lambda: verification_email_send(user=user))
    return user


@transaction.atomic
def participant_account_ensure(
    *, email: str, display_name: str, verified_at: dt.datetime
) -> Account:
    """A verified participant account without a password, made by a loader (the demo's
    participants, accounts moved from another platform): its owner sets a password through
    password reset. An existing account is returned as it is."""
    email = email_normalise(email=email)
    user = User.objects.filter(username__iexact=email).first()
    if user is None:
        user = User.objects.create_user(username=email, email=email, password=None)
    Participant.objects.get_or_create(
        user=user, defaults={"display_name": display_name.strip(), "email_verified_at": verified_at}
    )
    return user


def verification_token(*, user: Account) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def verification_email_send(*, user: Account) -> None:
    link = absolute_url(path=reverse("participation:verify", args=[verification_token(user=user)]))
    body = render_to_string("participation/email/verify.txt", {"link": link, "user": user})
    EmailMessage(
        _("Confirm your email address"),
        body,
        to=[user.email],
    ).send()


def already_registered_email_send(*, user: Account) -> None:
    link = absolute_url(path=reverse("participation:login"))
    body = render_to_string("participation/email/already_registered.txt", {"login": link})
    if user.email:
        EmailMessage(_("An account with this address already exists"), body, to=[user.email]).send()


def password_reset_email_send(*, email: str) -> bool:
    """Email a link to set a new password to the active account with this address, if there
    is one (also to an account made by a loader, which has no password yet). Returns whether
    a message was sent; the page answers the same either way, so it never tells a stranger
    whether an address is registered. The link works once, for PASSWORD_RESET_TIMEOUT."""
    user = User.objects.filter(
        username__iexact=email_normalise(email=email), is_active=True
    ).first()
    if user is None or not user.email:
        return False
    path = reverse(
        "participation:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        "participation/email/password_reset.txt",
        {"link": absolute_url(path=path), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
    )
    EmailMessage(_("Set a new password"), body, to=[user.email]).send()
    return True


def email_verify(*, token: str) -> Account:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ParticipationError(_("The link has expired: ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise ParticipationError(_("The link is not valid.")) from exc
    user = User.objects.filter(pk=data["u"], email=data["e"]).select_related("participant").first()
    if user is None or not hasattr(user, "participant"):
        raise ParticipationError(_("The link is not valid."))
    participant = user.participant
    if participant.email_verified_at is None:
        participant.email_verified_at = timezone.now()
        participant.save(update_fields=["email_verified_at"])
    return user


@dataclass(frozen=True)
class LoginLock:
    """Why an attempt on an account is refused before its password is checked.

    `address`: this address failed too often for this account (locked for `wait` seconds);
    otherwise `wait` > 0 is the progressive delay that failures from all addresses impose.
    """

    address: bool = False
    wait: int = 0

    @property
    def refused(self) -> bool:
        return self.address or self.wait > 0


def login_lock_state(*, username: str, ip: str | None, now: dt.datetime | None = None) -> LoginLock:
    """The lock-out policy: by account and address together, so nobody can lock someone
    else out by failing on purpose from elsewhere.

    - From one address, TERRITORI_LOGIN_FAILURES failures within the window lock that
      address out of that account until the window has passed.
    - From all addresses together, each failure beyond that number doubles a delay (1 s,
      2 s, 4 s … up to TERRITORI_LOGIN_DELAY_MAX) counted from the latest failure: a guesser
      spread over many addresses is slowed down, while the owner, from their own address,
      still gets in with the right password after at most that delay.
    """
    now = now or timezone.now()
    since = now - dt.timedelta(minutes=settings.TERRITORI_LOGIN_LOCKOUT_MINUTES)
    failures = list(
        LoginFailure.objects.filter(username=username.strip().lower()[:150], at__gte=since)
        .order_by("at")
        .values_list("ip", "at")
    )
    limit = settings.TERRITORI_LOGIN_FAILURES
    mine = [at for address, at in failures if ip and address == ip]
    if len(mine) >= limit:
        window = dt.timedelta(minutes=settings.TERRITORI_LOGIN_LOCKOUT_MINUTES)
        return LoginLock(
            address=True, wait=max(1, int((mine[-limit] + window - now).total_seconds()))
        )
    beyond = len(failures) - limit
    if beyond < 0:
        return LoginLock()
    delay = min(2**beyond, settings.TERRITORI_LOGIN_DELAY_MAX)
    left = delay - (now - failures[-1][1]).total_seconds()
    return LoginLock(wait=int(left) + 1) if left > 0 else LoginLock()


def login_failure_record(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username.strip().lower()[:150], ip=ip or None)


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.strip().lower()).delete()


def login_failures_purge(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete failed-login records older than the retention period; returns how many."""
    days = settings.TERRITORI_LOGIN_FAILURE_RETENTION_DAYS if days is None else days
    before = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = LoginFailure.objects.filter(at__lt=before).delete()
    return deleted
