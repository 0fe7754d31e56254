"""What the participation services share: errors, addresses, consent records, public names."""

from __future__ import annotations

import datetime as dt
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.conf import settings

from territori.atlas.models import Organisation

from ..consent import VERSION, consent_text
from ..models import (
    ConsentRecord,
    ContactPoint,
)

REMOVED_PARTICIPANT = "partecipante rimosso"


class ParticipationError(Exception):
    """A request the rules refuse; the message says why, for the person who asked."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def absolute_url(*, path: str) -> str:
    return settings.TERRITORI_BASE_URL.rstrip("/") + path


def consent_record(*, purpose: str, user: Account | None = None, email: str = "") -> ConsentRecord:
    return ConsentRecord.objects.create(
        user=user, email=email, purpose=purpose, text_version=VERSION, text=consent_text(purpose)
    )


def contact_point_add(
    *,
    organisation: Organisation,
    function: str,
    email: str,
    consent_text: str,
    given_at: dt.datetime,
) -> ContactPoint:
    """An organisation's contact point (a function's address, not a person's) with the
    consent its organisation gave, in its own words, to be invited."""
    contact = ContactPoint(organisation=organisation, function=function, email=email)
    contact.full_clean()
    contact.save()
    ConsentRecord.objects.create(
        contact=contact,
        purpose=ConsentRecord.Purpose.CONTACT,
        text_version="as given",
        text=consent_text,
        given_at=given_at,
    )
    return contact


def email_normalise(*, email: str) -> str:
    return email.strip().lower()


def public_name(*, user: Account) -> str:
    participant = getattr(user, "participant", None)
    if participant is not None:
        return str(participant.display_name)
    return str(user.get_username()).split("@")[0]


def visibility_set(*, item: Any, reason: str | None, actor: Account) -> None:
    """Hide `item` (a contribution or a comment) with a public `reason`, or show it again
    (`reason` None); its open reports are closed as hidden or kept; audited."""
    from django.utils import timezone

    from territori.core.audit import audit_record, snapshot

    from ..models import Report

    before = snapshot(item)
    now = timezone.now()
    item.hidden_at = now if reason is not None else None
    item.hidden_reason = (reason or "").strip()[:300]
    item.save(update_fields=["hidden_at", "hidden_reason"])
    outcome = Report.Outcome.HIDDEN if reason is not None else Report.Outcome.KEPT
    item.reports.filter(outcome=Report.Outcome.OPEN).update(outcome=outcome, decided_at=now)
    audit_record(instance=item, action="update", actor=actor, channel="moderation", before=before)
