"""Sign-in with SPID and CIE through OpenID Connect, against a local provider (never the
network): first sign-in with a chosen public name and the consent, later sign-ins, linking
and unlinking, what is refused (state, signature, nonce, audience, expiry, PKCE, an address
already registered), personal data, and the configuration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import translation

from territori.core.ratelimit import rate_limit_reset
from territori.participation.models import ConsentRecord, ExternalIdentity, Participant
from territori.participation.oidc import providers
from territori.participation.privacy import participant_data
from tests.oidc_provider import LocalProvider
from tests.worlds import participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings: Any) -> Iterator[LocalProvider]:
    rate_limit_reset()
    local = LocalProvider().start()
    settings.TERRITORI_OIDC_PROVIDERS = [local.settings()]
    settings.TERRITORI_BASE_URL = "http://testserver"
    with translation.override("en"):
        yield local
    local.stop()


def round_trip(client: Client, start: str = "/account/identita/spid/") -> Any:
    """To the provider and back: the response of the site's callback."""
    to_provider = client.get(start)
    assert to_provider.status_code == 302, to_provider.content[:300]
    assert to_provider["Location"].startswith("http://127.0.0.1:")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302, back.text
    location = urlparse(back.headers["Location"])
    assert location.netloc == "testserver"
    return client.get(f"{location.path}?{location.query}")


def test_first_sign_in_makes_an_account_with_a_chosen_name(
    client: Client, provider: LocalProvider
) -> None:
    back = round_trip(client, "/account/identita/spid/?next=/partecipa/")
    assert back.status_code == 302
    assert back["Location"].endswith("/account/identita/completa/")
    page = client.get("/en/account/identita/completa/").content.decode()
    assert "You signed in with SPID for the first time." in page
    assert 'name="email"' not in page  # the provider gave the address
    refused = client.post("/en/account/identita/completa/", {"display_name": "Nick"})
    assert refused.status_code == 400
    assert not get_user_model().objects.filter(email="persona.prova@example.org").exists()
    done = client.post("/en/account/identita/completa/", {"display_name": "Nick", "consent": "on"})
    assert done.status_code == 302
    assert done["Location"] == "/partecipa/"
    user = get_user_model().objects.get(email="persona.prova@example.org")
    assert not user.has_usable_password()
    participant_row = Participant.objects.get(user=user)
    assert participant_row.display_name == "Nick"
    assert participant_row.email_verified_at is not None  # the provider vouches for it
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.provider, identity.subject, identity.verified_name) == (
        "spid",
        "TINIT-PRVPRV80A01L219X",
        "Prova Persona",
    )
    assert ConsentRecord.objects.filter(user=user, purpose="account").count() == 1
    # the certified name is not public: the account page shows it to its owner only
    assert "Prova Persona" in client.get("/en/account/").content.decode()
    client.logout()
    again = round_trip(client)
    assert again.status_code == 302
    assert again["Location"] == "/account/"
    assert client.get("/account/").status_code == 200


def test_without_an_email_the_person_gives_one_and_confirms_it(
    client: Client,
    provider: LocalProvider,
    mailoutbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    provider.user = {"sub": "CIE-12345", "given_name": "Senza", "family_name": "Posta"}
    assert round_trip(client, "/account/identita/spid/").status_code == 302
    page = client.get("/en/account/identita/completa/").content.decode()
    assert 'name="email"' in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            "/en/account/identita/completa/",
            {"display_name": "Senza", "email": "senza@example.org", "consent": "on"},
        )
    assert done.status_code == 302
    user = get_user_model().objects.get(email="senza@example.org")
    assert Participant.objects.get(user=user).email_verified_at is None
    assert [m.to for m in mailoutbox] == [["senza@example.org"]]


def test_an_address_with_an_account_is_not_taken_over(
    client: Client, provider: LocalProvider
) -> None:
    owner = participant("persona.prova")
    back = round_trip(client)
    assert back.status_code == 409
    assert "accedi con la sua password, poi collega" in back.content.decode()
    assert not ExternalIdentity.objects.exists()
    # the owner links it from their account, then signs in with it
    client.force_login(owner)
    linked = round_trip(client)
    assert linked.status_code == 302 and linked["Location"] == "/account/"
    assert ExternalIdentity.objects.get().user == owner
    client.logout()
    assert round_trip(client)["Location"] == "/account/"
    assert int(client.session["_auth_user_id"]) == owner.pk


@pytest.mark.parametrize("tamper", ["signature", "nonce", "audience", "expired", "pkce"])
def test_a_token_that_does_not_check_out_is_refused(
    client: Client, provider: LocalProvider, tamper: str
) -> None:
    provider.tamper = tamper
    back = round_trip(client)
    assert back.status_code == 400
    # the callback's address has no language prefix: the page is in Italian
    assert "accesso non è stato completato" in back.content.decode()
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()


def test_a_forged_or_replayed_state_is_refused(client: Client, provider: LocalProvider) -> None:
    to_provider = client.get("/account/identita/spid/")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    location = urlparse(back.headers["Location"])
    other = Client()  # another browser: no state in its session
    forged = other.get(f"{location.path}?{location.query}")
    assert forged.status_code == 400
    first = client.get(f"{location.path}?{location.query}")
    assert first.status_code == 302
    replay = client.get(f"{location.path}?{location.query}")
    assert replay.status_code == 400


def test_a_refusal_at_the_provider_and_an_unknown_provider(
    client: Client, provider: LocalProvider
) -> None:
    refused = client.get("/en/account/identita/spid/ritorno/?error=access_denied&state=x")
    assert refused.status_code == 400
    assert "cancelled or refused" in refused.content.decode()
    assert client.get("/account/identita/nessuno/").status_code == 404
    assert client.get("/account/identita/nessuno/ritorno/?code=x").status_code == 404
    assert client.get("/account/identita/completa/").status_code == 302  # nothing pending


def test_an_unreachable_provider_is_a_clear_502(client: Client, settings: Any) -> None:
    settings.TERRITORI_OIDC_PROVIDERS = [
        {
            "name": "cie",
            "label": "CIE",
            "metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
            "client_id": "x",
            "client_secret": "y",
        }
    ]
    with translation.override("en"):
        response = client.get("/en/account/identita/cie/")
    assert response.status_code == 502
    assert "cannot be reached" in response.content.decode()


def test_login_page_offers_the_configured_identities(
    client: Client, provider: LocalProvider
) -> None:
    page = client.get("/en/account/accedi/?next=/partecipa/").content.decode()
    assert 'href="/en/account/identita/spid/?next=/partecipa/"' in page
    assert "Log in with SPID" in page


def test_login_page_without_identities(client: Client, settings: Any) -> None:
    settings.TERRITORI_OIDC_PROVIDERS = []
    assert "/account/identita/" not in client.get("/en/account/accedi/").content.decode()


def test_unlink_keeps_a_way_in_and_deleting_needs_the_address(
    client: Client, provider: LocalProvider
) -> None:
    round_trip(client)
    client.post("/en/account/identita/completa/", {"display_name": "Nick", "consent": "on"})
    user = get_user_model().objects.get(email="persona.prova@example.org")
    identity = ExternalIdentity.objects.get(user=user)
    response = client.post(f"/en/account/identita/scollega/{identity.pk}/", follow=True)
    assert "your only way in" in response.content.decode()
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()
    data = participant_data(user)["digital_identities"]
    assert data[0]["provider"] == "spid" and data[0]["name_as_certified"] == "Prova Persona"
    wrong = client.post("/en/account/elimina/", {"password": "altro@example.org"}, follow=True)
    assert "The address is not your account&#x27;s" in wrong.content.decode()
    client.post("/en/account/elimina/", {"password": "persona.prova@example.org"})
    assert not get_user_model().objects.filter(pk=user.pk).exists()
    assert not ExternalIdentity.objects.exists()


def test_another_persons_identity_cannot_be_unlinked(
    client: Client, provider: LocalProvider
) -> None:
    owner = participant("titolare")
    identity = ExternalIdentity.objects.create(user=owner, provider="spid", subject="X")
    client.force_login(participant("altra"))
    assert client.post(f"/account/identita/scollega/{identity.pk}/").status_code == 404
    assert ExternalIdentity.objects.filter(pk=identity.pk).exists()


def test_bad_configuration_is_named(settings: Any) -> None:
    settings.TERRITORI_OIDC_PROVIDERS = [{"name": "spid", "label": "SPID"}]
    with pytest.raises(ImproperlyConfigured, match=r"TERRITORI_OIDC_PROVIDERS\[0\]"):
        providers()
    settings.TERRITORI_OIDC_PROVIDERS = [
        {
            "name": "spid",
            "label": "SPID",
            "metadata_url": "http://x",
            "client_id": "a",
            "client_secret": "b",
            "scope": "profile",
        }
    ]
    with pytest.raises(ImproperlyConfigured, match="scope must include openid"):
        providers()


def test_the_staff_see_the_certified_name_of_a_delegate_request(
    client: Client, provider: LocalProvider
) -> None:
    from django.contrib.auth.models import Group

    from territori.atlas.models import Organisation
    from territori.core.roles import EDITOR, roles_ensure
    from territori.participation.services.delegations import delegation_request
    from tests.factories import OrganisationFactory

    roles_ensure()
    round_trip(client)
    client.post("/en/account/identita/completa/", {"display_name": "Nick", "consent": "on"})
    user = get_user_model().objects.get(email="persona.prova@example.org")
    organisation: Organisation = OrganisationFactory()
    delegation_request(user=user, organisation=organisation, consent=True)
    editor = participant("redazione-identita")
    editor.is_staff = True
    editor.save()
    editor.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(editor)
    page = client.get("/en/staff/partecipazione/deleghe/").content.decode()
    assert "Prova Persona" in page
    # …and never publicly: not on the organisation's page nor the contributions
    client.logout()
    assert "Prova Persona" not in client.get("/en/partecipa/contributi/").content.decode()


def test_a_wrong_provider_entry_fails_the_system_checks(settings: Any) -> None:
    from territori.participation.apps import identity_providers_check

    settings.TERRITORI_OIDC_PROVIDERS = [{"name": "spid"}]
    errors = identity_providers_check()
    assert [e.id for e in errors] == ["territori.E001"]
    assert "TERRITORI_OIDC_PROVIDERS[0]" in errors[0].msg
    settings.TERRITORI_OIDC_PROVIDERS = []
    assert identity_providers_check() == []


def test_settings_refuse_providers_that_are_not_json(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, TERRITORI_OIDC_PROVIDERS="[{nome: spid}]")
    env["DJANGO_SETTINGS_MODULE"] = "territori.settings.test"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "TERRITORI_OIDC_PROVIDERS is not valid JSON" in result.stderr
