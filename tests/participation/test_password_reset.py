"""Password reset by email: the same answer for any address, a link from the site's public
address that works once, the site's password rules, and the lock-out lifted afterwards; an
account made by a loader (no password yet) sets its first password the same way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from territori.participation.models import LoginFailure
from territori.participation.services.accounts import participant_account_ensure

pytestmark = pytest.mark.django_db

NEW = "una-Nuova-password-lunga-9"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    from territori.core.ratelimit import rate_limit_reset

    rate_limit_reset()


def _link(client: Client, email: str) -> str:
    """Ask for the link and return its path (the email holds the site's public address)."""
    sent = len(mail.outbox)
    response = client.post("/account/password-dimenticata/", {"email": email})
    assert response.status_code == 200
    assert len(mail.outbox) == sent + 1
    message = mail.outbox[-1]
    assert message.to == [email.lower()]
    found = re.search(
        r"(https://partecipa\.example\.org)(/account/nuova-password/\S+/)", message.body
    )
    assert found is not None, message.body
    return found.group(2)


@override_settings(TERRITORI_BASE_URL="https://partecipa.example.org")
def test_a_person_sets_a_new_password_with_the_link_once(
    client: Client, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user(
        "persona@example.org", email="persona@example.org", password="vecchia-Password-1"
    )
    LoginFailure.objects.create(username="persona@example.org", ip="192.0.2.1")
    assert "/account/password-dimenticata/" in client.get("/account/accedi/").content.decode()
    path = _link(client, "Persona@Example.org")
    form = client.get(path, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    set_url = form.redirect_chain[-1][0]  # Django hides the token from the address bar
    # the site's password rules apply
    weak = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and "territori-error" in weak.content.decode()
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/account/accedi/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not LoginFailure.objects.filter(username="persona@example.org").exists()
    assert client.login(username="persona@example.org", password=NEW)
    client.logout()
    # the same link does not work twice
    again = client.get(path, follow=True).content.decode()
    assert "Chiedi un nuovo link" in again
    assert 'name="new_password1"' not in again


@override_settings(TERRITORI_BASE_URL="https://partecipa.example.org")
def test_an_unknown_address_gets_the_same_answer_and_no_email(client: Client) -> None:
    response = client.post("/account/password-dimenticata/", {"email": "nessuno@example.org"})
    assert response.status_code == 200 and "nessuno@example.org" in response.content.decode()
    assert mail.outbox == []
    bad = client.post("/account/password-dimenticata/", {"email": "non è un indirizzo"})
    assert bad.status_code == 400 and "form-errors" in bad.content.decode()


@override_settings(TERRITORI_BASE_URL="https://partecipa.example.org")
def test_an_account_made_by_a_loader_sets_its_first_password(
    client: Client, django_user_model: Any
) -> None:
    participant_account_ensure(
        email="caricata@example.org", display_name="Caricata", verified_at=timezone.now()
    )
    assert not django_user_model.objects.get(username="caricata@example.org").has_usable_password()
    form = client.get(_link(client, "caricata@example.org"), follow=True)
    set_url = form.redirect_chain[-1][0]
    assert client.post(set_url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    assert client.login(username="caricata@example.org", password=NEW)


def test_an_inactive_account_gets_no_link(client: Client, django_user_model: Any) -> None:
    django_user_model.objects.create_user(
        "spenta@example.org", email="spenta@example.org", password="x", is_active=False
    )
    client.post("/account/password-dimenticata/", {"email": "spenta@example.org"})
    assert mail.outbox == []


def test_asking_too_often_is_refused(client: Client) -> None:
    for _n in range(5):
        client.post("/account/password-dimenticata/", {"email": "molte@example.org"})
    assert (
        client.post("/account/password-dimenticata/", {"email": "x@example.org"}).status_code == 429
    )


def test_after_sign_up_and_confirmation_a_person_returns_to_the_page_they_came_from(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from territori.core.roles import roles_ensure

    roles_ensure()
    page = "/partecipa/incontri/?zona=ZO04"
    login = client.get(f"/account/accedi/?next={page}").content.decode()
    assert "/account/registrati/?next=/partecipa/incontri/%3Fzona%3DZO04" in login
    form = client.get("/account/registrati/", {"next": page}).content.decode()
    assert f'name="next" value="{page}"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/registrati/",
            {
                "email": "torna@example.org",
                "display_name": "Torna",
                "password1": NEW,
                "password2": NEW,
                "consent": "on",
                "website": "",
                "next": page,
            },
        )
    assert response.status_code == 200
    link = re.search(r"https?://\S+(/account/conferma/\S+/)", mail.outbox[-1].body)
    assert link is not None
    assert client.get(link.group(1))["Location"] == page
    # another site's address is never followed
    client.logout()
    evil = client.post(
        "/account/registrati/",
        {
            "email": "altra@example.org",
            "display_name": "Altra",
            "password1": NEW,
            "password2": NEW,
            "consent": "on",
            "website": "",
            "next": "https://evil.example/",
        },
    )
    assert "evil.example" not in evil.content.decode()
