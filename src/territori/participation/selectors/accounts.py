"""Who may do what (verified participants, moderators) and what a person's account page shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from ..models import (
    ConsentRecord,
    Contribution,
    Registration,
    Subscriber,
)


def is_verified_participant(*, user: Account) -> bool:
    """A participant whose email address is confirmed (or staff): who may contribute and
    support."""
    if not user.is_authenticated:
        return False
    participant = getattr(user, "participant", None)
    return bool(participant and participant.verified) or bool(getattr(user, "is_staff", False))


def is_moderator(user: Account) -> bool:
    return bool(user.is_authenticated and user.has_perm("participation.change_contribution"))


@dataclass
class AccountPage:
    """What the account page shows a person of their own data."""

    contributions: list[Contribution]
    registrations: list[Registration]
    consents: list[ConsentRecord]
    subscriber: Subscriber | None


def account_page(*, user: Account) -> AccountPage:
    return AccountPage(
        contributions=list(
            Contribution.objects.filter(author=user)
            .select_related("process")
            .order_by("-created_at")
        ),
        registrations=list(
            Registration.objects.filter(user=user)
            .select_related("meeting")
            .order_by("-meeting__starts_at")
        ),
        consents=list(ConsentRecord.objects.filter(user=user).order_by("-given_at")),
        subscriber=Subscriber.objects.filter(email=user.email).first(),
    )
