"""Taking part as an organisation: requests (and the Forum's membership form) decided by the
staff, invitations by the organisation's administrators, acting in its name only while
verified, revoking, the organisation's page, permissions and query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from territori.atlas.models import Organisation
from territori.core.ratelimit import rate_limit_reset
from territori.participation.models import (
    Body,
    BodyMember,
    Comment,
    Contribution,
    Delegation,
    Support,
)
from territori.participation.privacy import participant_data
from territori.participation.services import ParticipationError
from territori.participation.services.comments import comment_post
from territori.participation.services.contributions import (
    contribution_submit,
    contribution_support,
)
from territori.participation.services.delegations import (
    delegation_accept,
    delegation_decide,
    delegation_invite,
    delegation_request,
    delegation_revoke,
)
from tests.worlds import FORUM, OPEN, Forum, participant

from ..conftest import assert_same_queries
from .test_views import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fresh_limits() -> Any:
    rate_limit_reset()
    with translation.override("en"):
        yield


def _staff() -> Any:
    from django.contrib.auth.models import Group

    from territori.core.roles import EDITOR

    user = participant("redazione-prova")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def _delegate(organisation: Organisation, name: str = "delegata", role: str = "delegate") -> Any:
    user = participant(name)
    delegation = delegation_request(user=user, organisation=organisation, consent=True)
    delegation_decide(delegation=delegation, approve=True, actor=_staff_once())
    if role == "administrator":
        Delegation.objects.filter(pk=delegation.pk).update(role=role)
    return user


def _staff_once() -> Any:
    """The test's editor, made on first use."""
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(username="redazione-prova@example.org").first()
    return found or _staff()


def test_the_forum_membership_form_through_the_staff(forum: Forum, client: Client) -> None:
    user = participant("chiede-adesione")
    organisation = Organisation.objects.create(code="ente-nuovo", name="Ente nuovo", kind="other")
    client.force_login(user)
    page = client.get(f"/partecipa/organizzazioni/richiesta/?organismo={FORUM}").content
    forum_body = Body.objects.get(code=FORUM)
    assert f'<option value="{forum_body.pk}" selected>'.encode() in page
    refused = client.post(
        "/partecipa/organizzazioni/richiesta/",
        {"organisation": organisation.pk, "body": forum_body.pk, "message": "Sono la presidente."},
    )
    assert refused.status_code == 400 and not Delegation.objects.exists()  # no consent
    assert "Sono la presidente." in refused.content.decode()  # kept
    client.post(
        "/partecipa/organizzazioni/richiesta/",
        {
            "organisation": organisation.pk,
            "body": forum_body.pk,
            "message": "Sono la presidente.",
            "consent": "on",
        },
    )
    delegation = Delegation.objects.get(user=user)
    assert delegation.status == "requested"
    staff = Client()
    staff.force_login(_staff_once())
    queue = staff.get("/staff/partecipazione/deleghe/").content.decode()
    assert "Sono la presidente." in queue
    staff.post(f"/staff/partecipazione/deleghe/{delegation.pk}/", {"decision": "approve"})
    delegation.refresh_from_db()
    assert delegation.status == "approved"
    member = BodyMember.objects.get(body=forum_body, organisation=organisation)
    assert user in member.delegates.all()  # reads the Forum's documents now
    again = staff.post(f"/staff/partecipazione/deleghe/{delegation.pk}/", {"decision": "refuse"})
    assert again.status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == "approved"  # a decision is taken once


def test_a_new_organisation_enters_the_registry_as_partial(forum: Forum) -> None:
    user = participant("nuova-associazione")
    with pytest.raises(ParticipationError, match="type of organisation"):
        delegation_request(user=user, organisation_name="Associazione Valli", consent=True)
    delegation = delegation_request(
        user=user,
        organisation_name="Associazione Valli",
        organisation_kind="third_sector",
        consent=True,
    )
    delegation_decide(delegation=delegation, approve=True, actor=_staff_once())
    created = Organisation.objects.get(name="Associazione Valli")
    assert created.kind == "third_sector" and created.status == "partial"
    assert created.code == "associazione-valli"


def test_only_a_verified_delegate_acts_in_the_organisation_s_name(
    forum: Forum, client: Client
) -> None:
    organisation = Organisation.objects.get(code="ente-prova-a")
    outsider = forum.participants[0]
    with pytest.raises(ParticipationError, match="not a verified delegate") as refused:
        contribution_submit(
            user=outsider,
            process=forum.open,
            kind="proposal",
            title="A nome d'altri",
            body="Testo",
            organisation=organisation,
        )
    assert refused.value.field == "organisation"
    delegate = _delegate(organisation)
    contribution = contribution_submit(
        user=delegate,
        process=forum.open,
        kind="proposal",
        title="Proposta dell'ente",
        body="Testo",
        organisation=organisation,
    )
    page = client.get(f"/partecipa/contributi/{contribution.pk}/").content.decode()
    assert "<strong>Ente" in page or organisation.name in page
    comment = comment_post(
        user=delegate,
        kind="contribution",
        pk=forum.contributions[1].pk,
        body="A nome dell'ente.",
        consent=True,
        organisation=organisation,
    )
    assert comment.organisation == organisation
    # an organisation supports once, whichever delegate clicks
    second = _delegate(organisation, "secondo-delegato")
    assert contribution_support(
        contribution=forum.contributions[1], user=delegate, organisation=organisation
    )
    assert not contribution_support(
        contribution=forum.contributions[1], user=second, organisation=organisation
    )
    assert Support.objects.filter(organisation=organisation).count() == 1
    # the organisation's page lists what it contributed
    org_page = client.get(f"/atlante/organizzazioni/{organisation.code}/").content.decode()
    assert "Proposta dell&#x27;ente" in org_page or "Proposta dell'ente" in org_page
    # revoked: no more in its name
    delegation = Delegation.objects.get(user=delegate, organisation=organisation)
    delegation_revoke(delegation=delegation, actor=delegate)
    with translation.override("en"), pytest.raises(ParticipationError, match="not a verified"):
        comment_post(
            user=delegate,
            kind="contribution",
            pk=forum.contributions[1].pk,
            body="Ancora",
            organisation=organisation,
        )


def test_the_contribution_form_offers_only_the_person_s_organisations(
    forum: Forum, client: Client
) -> None:
    organisation = Organisation.objects.get(code="ente-prova-b")
    delegate = _delegate(organisation)
    client.force_login(delegate)
    url = f"/partecipa/processi/{OPEN}/contribuisci/"
    form = client.get(url).content.decode()
    assert f'<option value="{organisation.pk}">' in form
    other = Organisation.objects.get(code="ente-prova-a")
    answer = client.post(
        url,
        {
            "kind": "proposal",
            "title": "Tentativo",
            "body": "T",
            "consent": "on",
            "organisation": other.pk,
        },
    )
    assert answer.status_code == 400 and not Contribution.objects.filter(title="Tentativo").exists()
    client.post(
        url,
        {
            "kind": "proposal",
            "title": "Per l'ente",
            "body": "T",
            "consent": "on",
            "organisation": organisation.pk,
        },
    )
    assert Contribution.objects.get(title="Per l'ente").organisation == organisation


def test_administrators_invite_delegates(forum: Forum, client: Client) -> None:
    organisation = Organisation.objects.get(code="ente-prova-a")
    administrator = _delegate(organisation, "amministratrice", role="administrator")
    plain = _delegate(organisation, "semplice")
    with pytest.raises(ParticipationError, match="Only the organisation's administrators"):
        delegation_invite(by=plain, organisation=organisation, email="x@example.org")
    client.force_login(administrator)
    mail.outbox.clear()
    client.post(
        "/account/organizzazioni/",
        {
            "form": "invite",
            "organisation": organisation.pk,
            "email": "Invitata@Example.org",
            "role": "delegate",
        },
    )
    link = re.search(r"http://\S+/partecipa/organizzazioni/invito/\S+/", mail.outbox[-1].body)
    assert link is not None
    path = link.group(0).split("8000", 1)[-1]
    token = path.rstrip("/").rsplit("/", 1)[-1]
    wrong = participant("altra-persona")
    with pytest.raises(ParticipationError, match=re.escape("(invitata@example.org)")):
        delegation_accept(user=wrong, token=token, consent=True)
    invited = participant("invitata")
    guest = Client()
    guest.force_login(invited)
    assert guest.get(path).status_code == 200
    assert guest.post(path, {}).status_code == 400  # no consent
    guest.post(path, {"consent": "on"})
    delegation = Delegation.objects.get(email="invitata@example.org")
    assert delegation.status == "approved" and delegation.user == invited
    assert guest.get(path).status_code == 404  # used once
    # the administrator sees and may revoke
    page = client.get("/account/organizzazioni/").content.decode()
    assert "invitata" in page
    client.post("/account/organizzazioni/", {"form": "revoke", "delegation": delegation.pk})
    delegation.refresh_from_db()
    assert delegation.status == "revoked"
    # a stranger cannot revoke someone else's delegation
    other = Delegation.objects.get(user=plain)
    stranger = Client()
    stranger.force_login(wrong)
    assert (
        stranger.post(
            "/account/organizzazioni/", {"form": "revoke", "delegation": other.pk}
        ).status_code
        == 400
    )
    other.refresh_from_db()
    assert other.status == "approved"
    assert [d["organisation"] for d in participant_data(invited)["delegations"]] == [
        organisation.name
    ]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("member", 403),
        ("moderator", 403),
        ("editor", 200),
        ("administrator", 200),
    ],
)
def test_who_decides_requests(client: Client, forum: Forum, role: str, expected: int) -> None:
    login_as(client, role)
    assert client.get("/staff/partecipazione/deleghe/").status_code == expected
    delegation = delegation_request(
        user=participant(f"richiedente-{role}"),
        organisation=Organisation.objects.get(code="ente-prova-a"),
        consent=True,
    )
    client.post(f"/staff/partecipazione/deleghe/{delegation.pk}/", {"decision": "approve"})
    delegation.refresh_from_db()
    assert (delegation.status == "approved") == (expected == 200)


def test_the_pages_queries_do_not_grow(client: Client, forum: Forum) -> None:
    organisation = Organisation.objects.get(code="ente-prova-a")
    administrator = _delegate(organisation, "amministratrice-conti", role="administrator")
    staff = _staff_once()
    counter = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            n = next(counter)
            delegation_invite(
                by=administrator, organisation=organisation, email=f"invito{n}@example.org"
            )
            delegation_request(
                user=participant(f"coda-{n}"),
                organisation_name=f"Ente {n}",
                organisation_kind="other",
                consent=True,
            )
            Comment.objects.create(
                target_kind="contribution",
                target_id=forum.contributions[0].pk,
                body="x",
                organisation=organisation,
            )

    client.force_login(administrator)
    assert_same_queries(client, "/account/organizzazioni/", grow)
    client.force_login(staff)
    assert_same_queries(client, "/staff/partecipazione/deleghe/", grow)
    assert_same_queries(client, f"/atlante/organizzazioni/{organisation.code}/", grow)
