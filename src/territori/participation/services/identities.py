"""Digital identities (SPID, CIE): signing in with one, making an account from one (with a
chosen public name and the account's consent), linking one to an existing account, and
unlinking it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ConsentRecord, ExternalIdentity, Participant
from .accounts import verification_email_send
from .common import ParticipationError, consent_record, email_normalise

User = get_user_model()


@dataclass(frozen=True)
class Claims:
    """What the provider certified, as kept: the subject, the email (and whether the
    provider vouches for it) and the name."""

    provider: str
    subject: str
    email: str = ""
    email_verified: bool = False
    name: str = ""

    @classmethod
    def from_provider(cls, provider: str, claims: Mapping[str, Any]) -> Claims:
        subject = str(claims.get("sub") or "").strip()
        if not subject or len(subject) > 255:
            raise ParticipationError(_("The identity provider sent no valid identifier."))
        email = str(claims.get("email") or "").strip()
        name = (
            " ".join(
                str(claims.get(key) or "").strip() for key in ("given_name", "family_name")
            ).strip()
            or str(claims.get("name") or "").strip()
        )
        return cls(
            provider=provider,
            subject=subject,
            email=email_normalise(email=email)[:254] if "@" in email else "",
            # SPID and CIE providers certify the address they give unless they say otherwise.
            email_verified=bool(email) and claims.get("email_verified") is not False,
            name=name[:200],
        )

    def as_session(self) -> dict[str, Any]:
        return dict(self.__dict__)


def identity_user(*, claims: Claims, now: dt.datetime | None = None) -> Account | None:
    """The active account this identity signs in to, if it is linked to one."""
    identity = (
        ExternalIdentity.objects.filter(provider=claims.provider, subject=claims.subject)
        .select_related("user")
        .first()
    )
    if identity is None or not identity.user.is_active:
        return None
    identity.last_used_at = now or timezone.now()
    identity.verified_name = claims.name or identity.verified_name
    identity.save(update_fields=["last_used_at", "verified_name"])
    return identity.user


def email_taken(*, claims: Claims) -> bool:
    return bool(claims.email) and User.objects.filter(username__iexact=claims.email).exists()


def identity_link(*, user: Account, claims: Claims) -> ExternalIdentity:
    """Link the identity to the signed-in account (one identity per provider and account)."""
    try:
        with transaction.atomic():
            return ExternalIdentity.objects.create(
                user=user,
                provider=claims.provider,
                subject=claims.subject,
                verified_name=claims.name,
            )
    except IntegrityError as exc:
        raise ParticipationError(
            _("This identity is already linked to an account, or yours already has one.")
        ) from exc


@transaction.atomic
def identity_sign_up(
    *, claims: Claims, display_name: str, email: str = "", consent: bool
) -> Account:
    """A new participant account for a first sign-in with an identity. The public name is
    the one chosen, never the certified name. Without an email from the provider the
    person gives one, and confirms it as at sign-up."""
    if not consent:
        raise ParticipationError(_("Agree to the terms to create the account."), "consent")
    if not display_name.strip():
        raise ParticipationError(
            _("Choose the name shown beside your contributions."), "display_name"
        )
    address = claims.email or email_normalise(email=email)
    if "@" not in address:
        raise ParticipationError(_("Give an email address."), "email")
    if User.objects.filter(username__iexact=address).exists():
        raise ParticipationError(
            _(
                "An account already uses this address: log in with its password and link "
                "the identity from your account page."
            ),
            "email",
        )
    if ExternalIdentity.objects.filter(provider=claims.provider, subject=claims.subject).exists():
        raise ParticipationError(_("This identity is already linked to an account."))
    user = User.objects.create_user(username=address, email=address, password=None)
    verified = claims.email_verified and address == claims.email
    Participant.objects.create(
        user=user,
        display_name=display_name.strip()[:80],
        email_verified_at=timezone.now() if verified else None,
    )
    consent_record(purpose=ConsentRecord.Purpose.ACCOUNT, user=user)
    ExternalIdentity.objects.create(
        user=user, provider=claims.provider, subject=claims.subject, verified_name=claims.name
    )
    if not verified:
        transaction.on_commit(lambda: verification_email_send(user=user))
    return user


def identity_unlink(*, user: Account, identity: ExternalIdentity) -> None:
    """Unlink, unless it is the only way into the account (no password, no other identity)."""
    if identity.user_id != user.pk:
        raise ParticipationError(_("This identity is not linked to your account."))
    others = ExternalIdentity.objects.filter(user=user).exclude(pk=identity.pk).exists()
    if not others and not user.has_usable_password():
        raise ParticipationError(
            _("Set a password first (“Forgot your password?”): this identity is your only way in.")
        )
    identity.delete()
