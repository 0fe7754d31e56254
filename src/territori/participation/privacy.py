"""A participant's own data: everything we hold, as an archive; and deleting the account.

Deleting keeps the public record of the process readable: contributions and comments stay,
shown as "partecipante rimosso"; identified questionnaire answers stay, no longer linked. Everything
else about the person (profile, consents, registrations, supports, newsletter subscription,
failed logins) is deleted.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from territori.core import jsonsafe
from territori.core.models import AuditEntry

from .models import (
    Comment,
    ConsentRecord,
    Contribution,
    Delegation,
    ExternalIdentity,
    Follow,
    LoginFailure,
    Notification,
    PriorityBallot,
    QuestionnaireInvitation,
    Registration,
    Subscriber,
    Support,
)
from .services import REMOVED_PARTICIPANT


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def participant_data(user: Account) -> dict[str, Any]:
    """Every record about the person, JSON-ready."""
    participant = getattr(user, "participant", None)
    email = str(getattr(user, "email", ""))
    contributions = (
        Contribution.objects.filter(author=user)
        .select_related("process")
        .prefetch_related("attachments", "nodes")
    )
    subscriber = Subscriber.objects.filter(email=email).prefetch_related("nodes", "zones").first()
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": email,
            "public_name": participant.display_name if participant else "",
            "created": _when(participant.created_at) if participant else None,
            "email_verified": _when(participant.email_verified_at) if participant else None,
            "last_login": _when(user.last_login),
            "notifications_by_email": participant.digest if participant else None,
        },
        "consents": [
            {
                "purpose": c.purpose,
                "text_version": c.text_version,
                "text": c.text,
                "given": _when(c.given_at),
                "withdrawn": _when(c.withdrawn_at),
            }
            for c in ConsentRecord.objects.filter(user=user).order_by("given_at")
        ]
        + [
            {
                "purpose": c.purpose,
                "text_version": c.text_version,
                "text": c.text,
                "given": _when(c.given_at),
                "withdrawn": _when(c.withdrawn_at),
            }
            for c in ConsentRecord.objects.filter(user__isnull=True, email=email).order_by(
                "given_at"
            )
            if email
        ],
        "contributions": [
            {
                "id": c.pk,
                "process": c.process.code,
                "kind": c.kind,
                "title": c.title,
                "text": c.body,
                "tags": [n.code for n in c.nodes.all()],
                "status": c.status,
                "official_answer": c.answer,
                "submitted": _when(c.created_at),
                "hidden": _when(c.hidden_at),
                "attachments": [
                    f"attachments/{a.pk}-{a.original_name}" for a in c.attachments.all()
                ],
            }
            for c in contributions
        ],
        "comments": [
            {
                "id": c.pk,
                "about": c.target_kind,
                "item": c.target_id,
                "in_reply_to": c.parent_id,
                "kind": c.stance or "comment",
                "text": c.body,
                "written": _when(c.created_at),
                "hidden": _when(c.hidden_at),
            }
            for c in Comment.objects.filter(author=user).order_by("created_at")
        ],
        "delegations": [
            {
                "organisation": d.organisation_shown,
                "role": d.role,
                "status": d.status,
                "membership_asked_of": d.body.code if d.body else None,
                "message": d.message,
                "created": _when(d.created_at),
                "decided": _when(d.decided_at),
            }
            for d in Delegation.objects.filter(user=user)
            .select_related("organisation", "body")
            .order_by("created_at")
        ],
        "follows": [
            {"kind": f.target_kind, "item": f.target_id, "since": _when(f.created_at)}
            for f in Follow.objects.filter(user=user).order_by("created_at")
        ],
        "notifications": [
            {
                "kind": n.kind,
                "about": n.title,
                "address": n.url,
                "created": _when(n.created_at),
                "read": _when(n.read_at),
                "emailed": _when(n.emailed_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at")
        ],
        "supports": [
            {"contribution": s.contribution_id, "given": _when(s.created_at)}
            for s in Support.objects.filter(user=user)
        ],
        "registrations": [
            {
                "meeting": r.meeting.code,
                "status": r.status,
                "code": r.code,
                "organisation": r.organisation_name,
                "needs": r.needs,
                "registered": _when(r.created_at),
                "checked_in": _when(r.checked_in_at),
            }
            for r in Registration.objects.filter(user=user).select_related("meeting")
        ],
        "questionnaire_responses": [
            {
                "questionnaire": r.questionnaire.code,
                "submitted": _when(r.submitted_at),
                "answers": {a.question.code: a.value for a in r.answers.all()},
            }
            for r in user.questionnaire_responses.select_related("questionnaire").prefetch_related(
                "answers__question"
            )
        ],
        "digital_identities": [
            {
                "provider": i.provider,
                "name_as_certified": i.verified_name,
                "linked": _when(i.linked_at),
                "last_sign_in": _when(i.last_used_at),
            }
            for i in ExternalIdentity.objects.filter(user=user).order_by("provider")
        ],
        "priority_ballots": [
            {
                "prioritisation": b.prioritisation.code,
                "on_behalf_of": b.organisation.code if b.organisation else None,
                "submitted": _when(b.submitted_at),
                "choices": [
                    {
                        "option": c.option.title_it,
                        "points": c.points,
                        "place": c.rank,
                        "feasibility": c.feasibility,
                    }
                    for c in b.choices.all()
                ],
            }
            for b in PriorityBallot.objects.filter(user=user)
            .select_related("prioritisation", "organisation")
            .prefetch_related("choices__option")
            .order_by("submitted_at")
        ],
        "questionnaire_invitations": [
            {
                "questionnaire": i.questionnaire.code,
                "invited": _when(i.sent_at),
                "reminders": i.reminders,
                "answered": i.responded,
            }
            for i in QuestionnaireInvitation.objects.filter(user=user).select_related(
                "questionnaire"
            )
        ],
        "newsletter": (
            {
                "email": subscriber.email,
                "confirmed": _when(subscriber.confirmed_at),
                "unsubscribed": _when(subscriber.unsubscribed_at),
                "missions": [n.code for n in subscriber.nodes.all()],
                "zones": [z.code for z in subscriber.zones.all()],
            }
            if subscriber
            else None
        ),
    }


def participant_archive(user: Account) -> bytes:
    """A ZIP with data.json and the person's own attachments."""
    data = participant_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", jsonsafe.dumps(data, ensure_ascii=False, indent=2))
        for contribution in Contribution.objects.filter(author=user).prefetch_related(
            "attachments"
        ):
            for attachment in contribution.attachments.all():
                with attachment.file.open("rb") as handle:
                    archive.writestr(
                        f"attachments/{attachment.pk}-{attachment.original_name}", handle.read()
                    )
    return buffer.getvalue()


#: Fields of a contribution that name or quote its author, blanked in its audit entries.
AUDIT_PERSONAL_FIELDS = {
    "author_id": None,
    "author_name": REMOVED_PARTICIPANT,
    "title": "",
    "body": "",
}


def audit_anonymise(
    contribution_ids: list[str], *, model: str = "participation.contribution"
) -> int:
    """Remove the author's name and the text from the audit entries of these contributions
    (or comments: `model`); their status, moderation and dates stay. Returns the entries
    changed."""
    entries = list(AuditEntry.objects.filter(model=model, object_id__in=contribution_ids))
    for entry in entries:
        entry.object_repr = f"{REMOVED_PARTICIPANT} #{entry.object_id}"
        for side in ("before", "after"):
            data = getattr(entry, side)
            if isinstance(data, dict):
                setattr(
                    entry,
                    side,
                    {
                        key: AUDIT_PERSONAL_FIELDS[key]
                        if key in AUDIT_PERSONAL_FIELDS and value
                        else value
                        for key, value in data.items()
                    },
                )
    AuditEntry.objects.bulk_update(entries, ["object_repr", "before", "after"])
    return len(entries)


@transaction.atomic
def participant_delete(user: Account) -> dict[str, int]:
    """Delete the account; public contributions stay under "partecipante rimosso".

    A confirmed place at a meeting still to come is cancelled first, so the first person
    waiting moves up as when someone cancels; the audit log keeps what changed, but not who
    wrote it nor the text they wrote.
    """
    from .services import registration_cancel

    email = str(getattr(user, "email", ""))
    for registration in Registration.objects.filter(
        user=user, status=Registration.Status.CONFIRMED
    ).select_related("meeting"):
        if not registration.meeting.is_past():
            registration_cancel(registration=registration)
    contribution_ids = [
        str(pk) for pk in Contribution.objects.filter(author=user).values_list("pk", flat=True)
    ]
    audit_anonymise(contribution_ids)
    comment_ids = [
        str(pk) for pk in Comment.objects.filter(author=user).values_list("pk", flat=True)
    ]
    audit_anonymise(comment_ids, model="participation.comment")
    counts = {
        "contributions_anonymised": Contribution.objects.filter(author=user).update(
            author=None, author_name=REMOVED_PARTICIPANT
        ),
        "comments_anonymised": Comment.objects.filter(author=user).update(
            author=None, author_name=REMOVED_PARTICIPANT
        ),
    }
    for support in Support.objects.filter(user=user):
        Contribution.objects.filter(pk=support.contribution_id).update(
            support_count=F("support_count") - 1
        )
    counts["subscriptions"] = Subscriber.objects.filter(email=email).delete()[0] if email else 0
    ConsentRecord.objects.filter(user__isnull=True, email=email).exclude(email="").delete()
    counts["failed_logins"] = LoginFailure.objects.filter(
        username=user.get_username().lower()
    ).delete()[0]
    # Registrations, supports, consents, follows, notifications and the profile go with the
    # user (CASCADE);
    # identified questionnaire responses, prioritisation ballots (counted in the results) and
    # reports are kept, unlinked (SET_NULL); invitations go with the user.
    user.delete()
    return counts
