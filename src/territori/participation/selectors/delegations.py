"""Reads of delegations: whom a person may act for, their requests and invitations, the
staff's queue, what an organisation has contributed."""

from __future__ import annotations

from typing import Any
from typing import Any as Account

from territori.atlas.models import Organisation

from ..models import Comment, Contribution, Delegation


def organisations_of(*, user: Account) -> list[Organisation]:
    """The organisations this person may act for (verified delegations)."""
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            pk__in=Delegation.objects.filter(user=user, status=Delegation.Status.APPROVED).values(
                "organisation_id"
            )
        ).order_by("name")
    )


def delegations_of(*, user: Account) -> list[Delegation]:
    return list(
        Delegation.objects.filter(user=user)
        .select_related("organisation", "body")
        .order_by("-created_at", "-id")
    )


def delegates_administered(*, user: Account) -> dict[Organisation, list[Delegation]]:
    """For each organisation this person administers, its delegations (two queries)."""
    administered = list(
        Organisation.objects.filter(
            pk__in=Delegation.objects.filter(
                user=user,
                status=Delegation.Status.APPROVED,
                role=Delegation.Role.ADMINISTRATOR,
            ).values("organisation_id")
        ).order_by("name")
    )
    rows = (
        Delegation.objects.filter(organisation__in=administered)
        .exclude(status__in=[Delegation.Status.REFUSED, Delegation.Status.REVOKED])
        .select_related("user__participant")
        .order_by("created_at")
    )
    found: dict[Organisation, list[Delegation]] = {o: [] for o in administered}
    by_pk = {o.pk: o for o in administered}
    for row in rows:
        if row.organisation_id in by_pk:
            found[by_pk[row.organisation_id]].append(row)
    return found


def delegation_queue() -> list[Delegation]:
    """Requests waiting for the staff, oldest first, with the names certified by the
    requesters' digital identities (what the staff check; never shown publicly)."""
    return list(
        Delegation.objects.filter(status=Delegation.Status.REQUESTED)
        .select_related("organisation", "body", "user__participant")
        .prefetch_related("user__external_identities")
        .order_by("created_at")
    )


def organisation_participation(*, organisation: Any, limit: int = 50) -> dict[str, list[Any]]:
    """What an organisation has written through its delegates: public contributions and
    visible comments (two queries)."""
    return {
        "contributions": list(
            Contribution.objects.filter(organisation=organisation, hidden_at=None)
            .select_related("process")
            .order_by("-created_at")[:limit]
        ),
        "comments": list(
            Comment.objects.filter(organisation=organisation, hidden_at=None).order_by(
                "-created_at"
            )[:limit]
        ),
    }
