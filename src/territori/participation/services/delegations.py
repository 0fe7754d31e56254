"""Delegates of organisations: asking (with, for the Forum, the organisation's membership
request), inviting, accepting, the staff's decision, revoking; and acting on an
organisation's behalf only while verified."""

from __future__ import annotations

from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from territori.atlas.models import Organisation
from territori.core.audit import audit_record, snapshot
from territori.core.models import DataStatus

from ..models import Body, BodyMember, ConsentRecord, Delegation
from ..selectors import is_verified_participant
from .common import ParticipationError, absolute_url, consent_record, email_normalise

OPEN = (Delegation.Status.REQUESTED, Delegation.Status.INVITED, Delegation.Status.APPROVED)


def delegate_check(*, user: Account, organisation: Organisation | None) -> None:
    """Refuse acting for an organisation without a verified delegation for it."""
    if organisation is None:
        return
    if not Delegation.objects.filter(
        user=user, organisation=organisation, status=Delegation.Status.APPROVED
    ).exists():
        raise ParticipationError(
            _("You are not a verified delegate of %(name)s.") % {"name": organisation.name},
            "organisation",
        )


def delegation_request(
    *,
    user: Account,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    organisation_kind: str = "",
    body: Body | None = None,
    message: str = "",
    consent: bool,
) -> Delegation:
    """A participant asks to act for an organisation of the registry, or for one not yet in
    it (named, with its type); with `body`, also that the organisation join it (the Forum's
    membership form). The staff decide."""
    if not is_verified_participant(user=user):
        raise ParticipationError(_("Confirm your email address first."))
    name = organisation_name.strip()
    if organisation is None and not name:
        raise ParticipationError(
            _("Choose the organisation, or name it if it is not in the list."), "organisation"
        )
    if organisation is None and organisation_kind not in Organisation.Kind.values:
        raise ParticipationError(_("Choose the type of organisation."), "organisation_kind")
    if not consent:
        raise ParticipationError(_("Confirm that you may speak for the organisation."), "consent")
    if (
        organisation is not None
        and Delegation.objects.filter(
            user=user, organisation=organisation, status__in=OPEN
        ).exists()
    ):
        raise ParticipationError(
            _("You have already asked for, or hold, this delegation."), "organisation"
        )
    with transaction.atomic():
        delegation = Delegation.objects.create(
            organisation=organisation,
            organisation_name="" if organisation else name[:300],
            organisation_kind="" if organisation else organisation_kind,
            user=user,
            email=user.email,
            status=Delegation.Status.REQUESTED,
            body=body,
            message=message.strip()[:5000],
        )
        consent_record(purpose=ConsentRecord.Purpose.DELEGATION, user=user)
    return delegation


def _is_administrator(user: Account, organisation: Organisation) -> bool:
    return bool(
        Delegation.objects.filter(
            user=user,
            organisation=organisation,
            status=Delegation.Status.APPROVED,
            role=Delegation.Role.ADMINISTRATOR,
        ).exists()
    )


def delegation_invite(
    *, by: Account, organisation: Organisation, email: str, role: str = Delegation.Role.DELEGATE
) -> Delegation:
    """An organisation's administrator invites someone by email; the link in the email
    makes them a verified delegate once they accept it with an account of that address."""
    if not _is_administrator(by, organisation):
        raise ParticipationError(_("Only the organisation's administrators invite delegates."))
    address = email_normalise(email=email)
    if "@" not in address:
        raise ParticipationError(_("Enter an email address."), "email")
    if role not in Delegation.Role.values:
        raise ParticipationError(_("Unknown role."), "role")
    if Delegation.objects.filter(
        organisation=organisation, email__iexact=address, status__in=OPEN
    ).exists():
        raise ParticipationError(_("This address is already invited or a delegate."), "email")
    delegation = Delegation.objects.create(
        organisation=organisation,
        email=address,
        role=role,
        status=Delegation.Status.INVITED,
        invited_by=by,
    )
    link = absolute_url(path=reverse("participation:delegation_accept", args=[delegation.token]))
    body = render_to_string(
        "participation/email/delegation_invite.txt",
        {"organisation": organisation, "link": link},
    )
    EmailMessage(
        _("Invitation to act for %(name)s") % {"name": organisation.name}, body, to=[address]
    ).send()
    return delegation


@transaction.atomic
def delegation_accept(*, user: Account, token: str, consent: bool) -> Delegation:
    """The invited person accepts, signed in with the invited address."""
    delegation = (
        Delegation.objects.select_for_update(of=("self",))
        .filter(token=token, status=Delegation.Status.INVITED)
        .select_related("organisation")
        .first()
    )
    if delegation is None:
        raise ParticipationError(_("This invitation is not valid any more."))
    if email_normalise(email=user.email or "") != delegation.email:
        raise ParticipationError(
            _("Sign in with the address the invitation was sent to (%(email)s).")
            % {"email": delegation.email}
        )
    if not consent:
        raise ParticipationError(_("Confirm that you may speak for the organisation."), "consent")
    delegation.user = user
    delegation.status = Delegation.Status.APPROVED
    delegation.decided_at = timezone.now()
    delegation.decided_by = delegation.invited_by
    try:
        with transaction.atomic():
            delegation.save()
    except IntegrityError as exc:
        raise ParticipationError(_("You are already a delegate of this organisation.")) from exc
    consent_record(purpose=ConsentRecord.Purpose.DELEGATION, user=user)
    _body_access(delegation)
    return delegation


def _organisation_for(delegation: Delegation, actor: Account) -> Organisation:
    """The organisation of an approved request: the registry's, or a new one added with the
    name given (marked "partial": the staff complete it in the registry)."""
    if delegation.organisation is not None:
        return delegation.organisation
    base = slugify(delegation.organisation_name)[:50] or "organizzazione"
    code, n = base, 1
    while Organisation.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    organisation = Organisation.objects.create(
        code=code,
        name=delegation.organisation_name,
        kind=delegation.organisation_kind or Organisation.Kind.OTHER,
        status=DataStatus.PARTIAL,
    )
    audit_record(instance=organisation, action="create", before=None, actor=actor, channel="web")
    return organisation


def _body_access(delegation: Delegation) -> None:
    """A verified delegate reads the documents of every body their organisation sits in."""
    if delegation.user_id is None:
        return
    for member in BodyMember.objects.filter(organisation=delegation.organisation):
        member.delegates.add(delegation.user_id)


@transaction.atomic
def delegation_decide(*, delegation: Delegation, approve: bool, actor: Account) -> Delegation:
    """The staff approve or refuse a request; an approved request with a body makes the
    organisation a member of it."""
    if delegation.status != Delegation.Status.REQUESTED:
        raise ParticipationError(_("This request has already been decided."))
    before = snapshot(delegation)
    delegation.decided_by = actor
    delegation.decided_at = timezone.now()
    if not approve:
        delegation.status = Delegation.Status.REFUSED
        delegation.save()
        audit_record(
            instance=delegation, action="update", before=before, actor=actor, channel="web"
        )
        return delegation
    delegation.organisation = _organisation_for(delegation, actor)
    delegation.status = Delegation.Status.APPROVED
    delegation.save()
    if delegation.body is not None:
        BodyMember.objects.get_or_create(
            body=delegation.body,
            organisation=delegation.organisation,
            defaults={"since": timezone.localdate()},
        )
    _body_access(delegation)
    audit_record(instance=delegation, action="update", before=before, actor=actor, channel="web")
    return delegation


@transaction.atomic
def delegation_revoke(*, delegation: Delegation, actor: Account) -> Delegation:
    """The delegate themselves, the organisation's administrators or the staff end it."""
    allowed = (
        actor.pk == delegation.user_id
        or (delegation.organisation and _is_administrator(actor, delegation.organisation))
        or actor.has_perm("participation.change_delegation")
    )
    if not allowed:
        raise ParticipationError(_("You cannot revoke this delegation."))
    if delegation.status not in OPEN:
        raise ParticipationError(_("This delegation is already closed."))
    before = snapshot(delegation)
    delegation.status = Delegation.Status.REVOKED
    delegation.decided_by = actor
    delegation.decided_at = timezone.now()
    delegation.save()
    if delegation.user_id and delegation.organisation_id:
        for member in BodyMember.objects.filter(organisation=delegation.organisation):
            member.delegates.remove(delegation.user_id)
    audit_record(instance=delegation, action="update", before=before, actor=actor, channel="web")
    return delegation
