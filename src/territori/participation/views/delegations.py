"""Acting for an organisation: the request (and the Forum's membership form), invitations,
the person's and the administrators' page, the staff's queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from territori.atlas.models import Organisation

from ..decorators import rate_limit
from ..forms import DelegationRequestForm, InviteForm
from ..models import Body, Delegation
from ..selectors.delegations import delegates_administered, delegation_queue, delegations_of
from ..services import ParticipationError
from ..services.delegations import (
    delegation_accept,
    delegation_decide,
    delegation_invite,
    delegation_request,
    delegation_revoke,
)

MANAGE = "participation.change_delegation"


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted row number; anything else (text, a number no row can have) is a 404."""
    value = request.POST.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


@login_required
@rate_limit("delegation", limit=10, period=3600, per_user=True)
def delegation_request_view(request: HttpRequest) -> HttpResponse:
    """Ask to act for an organisation; `?organismo=CODE` opens it as the membership form of
    that body."""
    initial = {}
    if code := request.GET.get("organismo"):
        initial["body"] = Body.objects.filter(code=code, kind=Body.Kind.FORUM).first()
    form = DelegationRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            delegation_request(user=request.user, **form.cleaned_data)
        except ParticipationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Your request is sent: the staff will verify it."))
            return redirect("participation:organisations")
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/delegation_request.html", {"form": form}, status=status)


@login_required
def delegation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    delegation = (
        Delegation.objects.filter(token=token, status=Delegation.Status.INVITED)
        .select_related("organisation")
        .first()
    )
    if delegation is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            delegation_accept(
                user=request.user, token=token, consent=bool(request.POST.get("consent"))
            )
        except ParticipationError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("You are a verified delegate of %(name)s.")
                % {"name": delegation.organisation_shown},
            )
            return redirect("participation:organisations")
    from ..consent import consent_text
    from ..models import ConsentRecord

    context = {
        "delegation": delegation,
        "error": error,
        "consent_text": consent_text(ConsentRecord.Purpose.DELEGATION),
    }
    status = 400 if error else 200
    return render(request, "participation/delegation_accept.html", context, status=status)


@login_required
def organisations_account(request: HttpRequest) -> HttpResponse:
    """My delegations; for the organisations I administer, their delegates and invitations."""
    invite_form = InviteForm(request.POST if request.POST.get("form") == "invite" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "invite" and invite_form.is_valid():
                organisation = get_object_or_404(
                    Organisation, pk=_posted_id(request, "organisation")
                )
                delegation_invite(
                    by=request.user, organisation=organisation, **invite_form.cleaned_data
                )
                messages.success(request, _("The invitation is sent."))
                return redirect("participation:organisations")
            if request.POST.get("form") == "revoke":
                delegation = get_object_or_404(Delegation, pk=_posted_id(request, "delegation"))
                delegation_revoke(delegation=delegation, actor=request.user)
                messages.success(request, _("The delegation is revoked."))
                return redirect("participation:organisations")
        except ParticipationError as exc:
            if invite_form.is_bound:
                invite_form.add_error(
                    exc.field if exc.field in invite_form.fields else None, str(exc)
                )
            else:
                messages.error(request, str(exc))
    context = {
        "delegations": delegations_of(user=request.user),
        "administered": delegates_administered(user=request.user),
        "invite_form": invite_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/organisations_account.html", context, status=status)


@login_required
@permission_required(MANAGE, raise_exception=True)
def delegation_queue_view(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/staff/delegations.html", {"requests": delegation_queue()})


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def delegation_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    delegation = get_object_or_404(Delegation, pk=pk)
    try:
        delegation_decide(
            delegation=delegation,
            approve=request.POST.get("decision") == "approve",
            actor=request.user,
        )
    except ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request is decided."))
    return redirect("participation_staff:delegations")
