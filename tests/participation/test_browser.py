"""Participation in headless Chromium: the people's paths and axe-core on every page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from tests.portal import test_browser as portal_browser
from tests.portal.test_browser import axe_violations, open_page

from .test_services import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# the portal's browser fixture: a headless Chromium page (demo_data is in tests/conftest.py)
page = portal_browser.page

PAGES = [
    "/partecipa/",
    "/en/partecipa/",
    "/partecipa/processi/psm-2024-2026/",
    "/partecipa/processi/demo-laboratori-forum/",
    "/partecipa/organismi/cabina-di-regia-psm/",
    "/partecipa/organismi/forum-missioni/",
    "/partecipa/incontri/",
    "/partecipa/incontri/cabina-2023-09-18/",
    "/partecipa/incontri/lancio-2023-09-27/",
    "/partecipa/incontri/demo-laboratorio-1/",
    "/partecipa/contributi/",
    "/partecipa/questionari/demo-priorita/",
    "/partecipa/questionari/demo-priorita/risultati/",
    "/partecipa/newsletter/",
    "/partecipa/newsletter/1/",
    "/partecipa/dibattiti/demo-dibattito-trasporto-valli/",
    "/en/partecipa/dibattiti/demo-dibattito-trasporto-valli/",
    "/account/registrati/",
    "/account/accedi/",
    "/account/password-dimenticata/",
    "/en/account/nuova-password/MQ/link-scaduto/",
    "/partecipa/priorita/demo-priorita-proposte/",
    "/en/partecipa/priorita/demo-priorita-proposte/",
    "/partecipa/priorita/demo-priorita-proposte/risultati/",
    "/en/partecipa/priorita/demo-priorita-proposte/risultati/",
    "/partecipa/processi/demo-laboratori-forum/esiti/",
    "/en/partecipa/processi/demo-laboratori-forum/esiti/",
    "/partecipa/questionari/inviti/stop/link-di-prova/",
    "/account/notifiche/disiscriviti/link-di-prova/",
    "/partecipa/organizzazioni/invito/link-di-prova/",
    "/partecipa/tabelle-di-marcia/demo-tabella-missione-1-2/",
    "/en/partecipa/tabelle-di-marcia/demo-tabella-missione-1-2/",
    "/partecipa/tabelle-di-marcia/demo-tabella-missione-1-2/versioni/1/",
]


def link_in_last_mail(pattern: str) -> str:
    found = re.search(pattern, mail.outbox[-1].body)
    assert found is not None, mail.outbox[-1].body
    return found.group(0).split("8000", 1)[-1]


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/account/accedi/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_participation_pages_pass_axe(live_server: Any, demo_data: None, page: Any) -> None:
    from territori.participation.models import Contribution

    failures = {}
    contribution = Contribution.objects.filter(answer__gt="").first()
    assert contribution is not None
    for path in [*PAGES, f"/partecipa/contributi/{contribution.pk}/"]:
        open_page(page, live_server.url + path)
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
    # a form sent with errors lists them, linked to the fields
    page.goto(live_server.url + "/account/registrati/")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#form-errors")
    if violations := axe_violations(page):
        failures["sign-up with errors"] = violations
    assert failures == {}


def test_sign_up_confirm_contribute_and_see_the_answer(
    live_server: Any, demo_data: None, page: Any, tmp_path: Path
) -> None:
    from django.contrib.auth.models import Group, User

    from territori.core.roles import MODERATOR
    from territori.participation.models import Contribution

    base = live_server.url
    page.goto(base + "/account/registrati/")
    page.fill("#id_email", "cittadina@example.org")
    page.fill("#id_display_name", "Cittadina")
    page.fill("#id_password1", "una-Password-lunga-7")
    page.fill("#id_password2", "una-Password-lunga-7")
    page.click("label[for=id_consent]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=cittadina@example.org")
    page.goto(base + link_in_last_mail(r"http://\S+/account/conferma/\S+/"))
    page.wait_for_url("**/account/")
    assert axe_violations(page) == []  # the account page
    page.goto(base + "/partecipa/processi/demo-laboratori-forum/contribuisci/")
    assert axe_violations(page) == []  # the contribution form
    page.select_option("#id_kind", "proposal")
    page.fill("#id_title", "Comunità energetiche nei comuni montani")
    page.fill("#id_body", "Proposta di sportello per le comunità energetiche.")
    page.wait_for_selector("#similar a", timeout=10000)  # suggestions while writing (htmx)
    assert "comunità energetiche" in page.inner_text("#similar").lower()
    attachment = tmp_path / "proposta.pdf"
    attachment.write_bytes(PDF)
    page.set_input_files("#id_attachments", str(attachment))
    page.click("label[for=id_consent]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/partecipa/contributi/\d+/$"))
    assert "proposta.pdf" in page.inner_text("main")
    contribution = Contribution.objects.get(title="Comunità energetiche nei comuni montani")
    moderator = User.objects.create_user(
        "mod-browser", password="a-long-test-password", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    staff = page.context.browser.new_context().new_page()
    log_in(staff, base, "mod-browser", "a-long-test-password")
    staff.goto(f"{base}/staff/partecipazione/moderazione/")
    assert axe_violations(staff) == []  # the moderation queue
    staff.click(f"a[href='/staff/partecipazione/contributi/{contribution.pk}/']")
    assert axe_violations(staff) == []
    staff.select_option("#id_status", "accepted")
    staff.fill("#id_answer", "Accolta: sarà discussa nel laboratorio.")
    staff.click("form:has(input[value=answer]) button[type=submit]")
    staff.wait_for_selector(".alert-success")
    page.reload()
    assert "Accolta: sarà discussa nel laboratorio." in page.inner_text("main")
    from django.utils import translation

    with translation.override("it"):
        assert page.inner_text("main .badge.fs-6") == str(Contribution.Status.ACCEPTED.label)


def test_register_check_in_questionnaire_and_newsletter(
    live_server: Any, demo_data: None, page: Any
) -> None:
    from django.contrib.auth.models import Group, User

    from territori.core.roles import EDITOR
    from territori.participation.models import Participant, Registration, Subscriber

    base = live_server.url
    user = User.objects.create_user(
        "iscritta@example.org", email="iscritta@example.org", password="una-Password-lunga-7"
    )
    Participant.objects.create(
        user=user, display_name="Iscritta", email_verified_at="2026-01-01T00:00Z"
    )
    log_in(page, base, "iscritta@example.org", "una-Password-lunga-7")
    page.goto(base + "/partecipa/incontri/demo-laboratorio-3/")
    page.fill("#id_organisation_name", "Associazione di prova")
    page.click("label[for=id_consent]")
    page.click("form[action$='iscriviti/'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    registration = Registration.objects.get(user=user)
    assert registration.code in page.inner_text("main")
    message = mail.outbox[-1]
    assert message.attachments and "BEGIN:VCALENDAR" in message.attachments[0][1]
    editor = User.objects.create_user(
        "editor-browser", password="a-long-test-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EDITOR))
    staff = page.context.browser.new_context().new_page()
    log_in(staff, base, "editor-browser", "a-long-test-password")
    staff.goto(base + "/staff/partecipazione/incontri/demo-laboratorio-3/accoglienza/")
    assert axe_violations(staff) == []
    staff.fill("#id_code", registration.code.lower())
    staff.click("main form button[type=submit]")
    staff.wait_for_selector(".alert-success")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    # a questionnaire: the skip logic hides the follow-up questions until "Sì"
    page.goto(base + "/partecipa/questionari/demo-priorita/")
    assert page.locator("#q-temi").is_hidden()
    page.click("label[for=f-ruolo-3]")
    page.click("label[for=f-coinvolto-1]")
    page.wait_for_selector("#q-temi", state="visible")
    page.click("label[for=f-temi-1]")
    page.click("label[for=f-soddisfazione-4]")
    page.click("label[for=id_consent]")
    page.click("#questionnaire button[type=submit]")
    page.wait_for_url("**/risultati/")
    page.wait_for_selector("[data-vega-spec][data-rendered='true']", timeout=20000)
    assert axe_violations(page) == []
    # the newsletter: subscribe, confirm, unsubscribe
    page.goto(base + "/partecipa/newsletter/")
    page.fill("#id_email", "lettrice@example.org")
    page.click("label[for=id_consent]")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.goto(base + link_in_last_mail(r"http://\S+/partecipa/newsletter/conferma/\S+/"))
    assert Subscriber.objects.get(email="lettrice@example.org").active
    token = Subscriber.objects.get(email="lettrice@example.org").token
    page.goto(f"{base}/partecipa/newsletter/disiscriviti/{token}/")
    assert axe_violations(page) == []  # the unsubscribe page
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert not Subscriber.objects.get(email="lettrice@example.org").active


def test_comment_reply_argue_and_close_a_debate(
    live_server: Any, demo_data: None, page: Any
) -> None:
    """A participant argues in the demo debate and replies to an argument; the thread shows
    one level of replies with the deeper ones folded; a moderator closes the debate with a
    summary; the participant finds it among their notifications."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from territori.core.roles import MODERATOR
    from territori.participation.models import Comment, Debate
    from territori.participation.services.accounts import participant_account_ensure

    base = live_server.url
    debate = Debate.objects.get(code="demo-dibattito-trasporto-valli")
    url = f"{base}/partecipa/dibattiti/{debate.code}/"
    user = participant_account_ensure(
        email="commenta@example.org", display_name="Commentatrice", verified_at=timezone.now()
    )
    user.set_password("una-Password-lunga-7")
    user.save()
    log_in(page, base, "commenta@example.org", "una-Password-lunga-7")
    page.goto(url)
    # the demo's deeper reply is folded under its reply, and opens
    folded = page.locator("#commenti details.mb-2").first
    assert not folded.locator("article").first.is_visible()
    folded.locator("> summary").click()
    assert folded.locator("article").first.is_visible()
    page.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
    assert axe_violations(page) == []  # every form of the thread open
    page.reload()
    page.select_option("#id_stance", "for")
    page.fill("#id_body", "Con una corsa garantita alle 22 il servizio funziona.")
    page.click("label[for=id_consent]")
    page.click("#commenti form.card button[type=submit]")
    page.wait_for_url(re.compile(r".*#commento-\d+$"))
    mine = Comment.objects.get(author=user)
    assert mine.stance == "for" and "Con una corsa garantita" in page.inner_text("#commenti")
    first = Comment.objects.filter(target_kind="debate", target_id=debate.pk, depth=0).first()
    assert first is not None
    article = page.locator(f"#commento-{first.pk}")
    article.locator("summary", has_text=re.compile("Rispondi|Reply")).click()
    page.fill(f"#reply-{first.pk}", "Rispondo: d'accordo sul costo.")
    article.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*#commento-\d+$"))
    reply = Comment.objects.get(author=user, parent=first)
    shown = page.locator(f"#commento-{first.pk} ~ ol #commento-{reply.pk}")
    assert shown.is_visible()  # under the comment it answers
    moderator = User.objects.create_user(
        "mod-dibattito", password="a-long-test-password", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    staff = page.context.browser.new_context().new_page()
    log_in(staff, base, "mod-dibattito", "a-long-test-password")
    staff.goto(url)
    staff.click(f"a[href='/staff/partecipazione/dibattiti/{debate.code}/chiudi/']")
    assert axe_violations(staff) == []
    staff.fill(
        "#id_conclusions_it", "Prevale un servizio a chiamata con una corsa fissa garantita."
    )
    staff.click("main form button[type=submit]")
    staff.wait_for_url(url)
    page.goto(url)
    assert "Prevale un servizio a chiamata" in page.inner_text("main")
    assert page.locator("#id_body").count() == 0  # closed: no more arguments
    page.goto(base + "/account/notifiche/")
    assert axe_violations(page) == []
    assert debate.title_it in page.inner_text("main")


def test_follow_a_contribution_and_receive_the_summary(
    live_server: Any, demo_data: None, page: Any
) -> None:
    """A participant follows a contribution with its button, asks for a daily summary; the
    official answer reaches the notifications page and the next daily email."""
    from django.utils import timezone

    from territori.participation.models import Contribution
    from territori.participation.services.accounts import participant_account_ensure
    from territori.participation.services.contributions import contribution_answer
    from territori.participation.services.follows import digests_send

    base = live_server.url
    user = participant_account_ensure(
        email="segue@example.org", display_name="Chi segue", verified_at=timezone.now()
    )
    user.set_password("una-Password-lunga-7")
    user.save()
    contribution = Contribution.objects.filter(status="received", hidden_at=None).first()
    assert contribution is not None
    log_in(page, base, "segue@example.org", "una-Password-lunga-7")
    page.goto(f"{base}/partecipa/contributi/{contribution.pk}/")
    page.click(".territori-follow button[aria-pressed=false]")
    page.wait_for_selector(".territori-follow button[aria-pressed=true]")
    assert axe_violations(page) == []
    page.goto(base + "/account/notifiche/")
    page.check("input[name=digest][value=daily]")
    page.click("form:has(input[value=digest]) button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert contribution.title in page.inner_text("main")  # in what they follow
    contribution_answer(contribution=contribution, status="accepted", answer="Accolta.", actor=None)
    page.reload()
    assert axe_violations(page) == []
    assert contribution.title in page.inner_text("main .list-group")
    mail.outbox.clear()
    assert digests_send(frequency="daily") == 1
    assert mail.outbox[-1].to == ["segue@example.org"]
    assert contribution.title in mail.outbox[-1].body


def test_ask_to_act_for_an_organisation_and_contribute_in_its_name(
    live_server: Any, demo_data: None, page: Any
) -> None:
    """The Forum's membership form, the staff's approval, then a contribution in the
    organisation's name, shown with it."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from territori.atlas.models import Organisation
    from territori.core.roles import EDITOR
    from territori.participation.services.accounts import participant_account_ensure

    base = live_server.url
    organisation = Organisation.objects.order_by("name").first()
    assert organisation is not None
    user = participant_account_ensure(
        email="delegata@example.org", display_name="Delegata", verified_at=timezone.now()
    )
    user.set_password("una-Password-lunga-7")
    user.save()
    log_in(page, base, "delegata@example.org", "una-Password-lunga-7")
    page.goto(base + "/partecipa/organismi/forum-missioni/")
    page.click("a[href*='/partecipa/organizzazioni/richiesta/?organismo=forum-missioni']")
    assert axe_violations(page) == []
    page.select_option("#id_organisation", str(organisation.pk))
    page.fill("#id_message", "Coordino i progetti ambientali.")
    page.click("label[for=id_consent]")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/organizzazioni/")
    assert axe_violations(page) == []
    editor = User.objects.create_user("ed-deleghe", password="a-long-test-password", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))
    staff = page.context.browser.new_context().new_page()
    log_in(staff, base, "ed-deleghe", "a-long-test-password")
    staff.goto(base + "/staff/partecipazione/deleghe/")
    assert axe_violations(staff) == []
    staff.click("button[value=approve]")
    staff.wait_for_selector(".alert-success")
    page.goto(base + "/partecipa/processi/demo-laboratori-forum/contribuisci/")
    page.select_option("#id_kind", "proposal")
    page.fill("#id_title", "Proposta a nome dell'ente")
    page.fill("#id_body", "Testo della proposta a nome dell'ente.")
    page.select_option("#id_organisation", str(organisation.pk))
    page.click("label[for=id_consent]")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/partecipa/contributi/\d+/$"))
    assert organisation.name in page.inner_text("main")


def test_rank_priorities_and_see_the_results(live_server: Any, demo_data: None, page: Any) -> None:
    """A participant shares the points among the demo's options, rates their feasibility,
    corrects a ballot that does not add up, and finds it counted in the results."""
    from django.utils import timezone

    from territori.participation.models import Prioritisation
    from territori.participation.services.accounts import participant_account_ensure

    base = live_server.url
    user = participant_account_ensure(
        email="priorita@example.org", display_name="Chi sceglie", verified_at=timezone.now()
    )
    user.set_password("una-Password-lunga-7")
    user.save()
    prioritisation = Prioritisation.objects.get(code="demo-priorita-proposte")
    options = list(prioritisation.options.order_by("position"))
    before = prioritisation.ballots.count()
    log_in(page, base, "priorita@example.org", "una-Password-lunga-7")
    page.goto(base + "/partecipa/processi/demo-laboratori-forum/")
    page.click("a[href='/partecipa/priorita/demo-priorita-proposte/']")
    page.fill(f"#f-punti-{options[0].pk}", "6")
    page.fill(f"#f-punti-{options[1].pk}", "6")
    page.click("#ballot button[type=submit]:not([name])")
    page.wait_for_selector("#form-errors")
    assert "12" in page.inner_text("#form-errors")
    assert axe_violations(page) == []
    page.fill(f"#f-punti-{options[1].pk}", "4")
    page.select_option(f"#f-fattibilita-{options[0].pk}", "5")
    page.select_option(f"#f-fattibilita-{options[1].pk}", "2")
    page.click("#ballot button[type=submit]:not([name])")
    page.wait_for_selector(".alert-success")
    assert prioritisation.ballots.count() == before + 1
    assert axe_violations(page) == []
    page.click("a[href='/partecipa/priorita/demo-priorita-proposte/risultati/']")
    page.wait_for_selector("#chart-priorities svg, #chart-priorities canvas")
    assert axe_violations(page) == []
    table = page.inner_text("#chart-priorities-table")
    assert options[0].title in table
    assert f"{before + 1} " in page.inner_text("main .lead")


def test_follow_a_contribution_to_its_result(live_server: Any, demo_data: None, page: Any) -> None:
    """A moderator links an accepted contribution to an output of the programme; its author
    sees the result, with its state, on the contribution and on the process's account of
    what was done with the contributions."""
    from django.contrib.auth.models import Group, User

    from territori.core.roles import MODERATOR
    from territori.participation.models import Contribution

    base = live_server.url
    contribution = Contribution.objects.get(title="Trasporto a chiamata per le aree montane")
    moderator = User.objects.create_user(
        "mod-esiti", password="a-long-test-password", is_staff=True
    )
    moderator.groups.add(Group.objects.get(name=MODERATOR))
    log_in(page, base, "mod-esiti", "a-long-test-password")
    page.goto(f"{base}/staff/partecipazione/contributi/{contribution.pk}/")
    assert axe_violations(page) == []
    page.select_option("#id_kind", "output")
    page.fill("#id_reference", "1.1.d/9")
    page.click("form:has(input[value=outcome]) button[type=submit]")
    page.wait_for_selector(".alert-danger, .invalid-feedback")
    assert "1.1.d/9" in page.inner_text("main")
    assert axe_violations(page) == []
    page.fill("#id_reference", "1.1.d/2")
    page.fill("#id_note_it", "La proposta è nei report dei Laboratori.")
    page.click("form:has(input[value=outcome]) button[type=submit]")
    page.wait_for_selector(".alert-success")
    visitor = page.context.browser.new_context().new_page()
    visitor.goto(f"{base}/en/partecipa/contributi/{contribution.pk}/")
    main = visitor.inner_text("main")
    assert "What it led to" in main
    assert "La proposta è nei report dei Laboratori." in main
    assert axe_violations(visitor) == []
    visitor.click("a[href='/en/partecipa/processi/demo-laboratori-forum/esiti/']")
    visitor.wait_for_load_state()
    assert contribution.title in visitor.inner_text("main")
    assert axe_violations(visitor) == []
    visitor.click("a[href*='#output-']")
    visitor.wait_for_load_state()
    assert "/programma/" in visitor.url


def test_staff_participation_pages_pass_axe(live_server: Any, demo_data: None, page: Any) -> None:
    """The staff's pages: moderation of a comment, questionnaire invitations, a contribution
    with its result form."""
    from django.contrib.auth.models import User

    from territori.participation.models import Comment, Contribution

    base = live_server.url
    User.objects.create_superuser("admin-axe", password="a-long-test-password")
    log_in(page, base, "admin-axe", "a-long-test-password")
    comment = Comment.objects.first()
    contribution = Contribution.objects.filter(status="accepted").first()
    assert comment is not None and contribution is not None
    failures = {}
    for path in [
        f"/staff/partecipazione/commenti/{comment.pk}/",
        "/staff/partecipazione/questionari/demo-priorita/inviti/",
        "/en/staff/partecipazione/questionari/demo-priorita/inviti/",
        f"/staff/partecipazione/contributi/{contribution.pk}/",
        "/staff/partecipazione/moderazione/",
    ]:
        open_page(page, base + path)
        if violations := axe_violations(page):
            failures[path] = violations
    assert failures == {}


def test_participation_pages_fit_a_phone(live_server: Any, demo_data: None, page: Any) -> None:
    """At a phone's width no participation page is wider than the screen (wide tables scroll
    in their own box)."""
    from territori.participation.models import Contribution

    page.set_viewport_size({"width": 390, "height": 844})
    linked = Contribution.objects.filter(outcomes__isnull=False).first()
    assert linked is not None
    wider = {}
    for path in [*PAGES, f"/partecipa/contributi/{linked.pk}/"]:
        open_page(page, live_server.url + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            wider[path] = overflow
    assert wider == {}


def test_sign_in_with_a_digital_identity_through_the_local_provider(
    live_server: Any, demo_data: None, page: Any, settings: Any
) -> None:
    """SPID through a local OpenID Connect provider: the login page's button, the provider,
    back to the site, the first sign-in's page (a public name and the consent), the
    account with its linked identity."""
    from django.contrib.auth import get_user_model

    from tests.oidc_provider import LocalProvider

    provider = LocalProvider().start()
    try:
        settings.TERRITORI_OIDC_PROVIDERS = [provider.settings()]
        settings.TERRITORI_BASE_URL = live_server.url
        base = live_server.url
        page.goto(base + "/account/accedi/")
        assert axe_violations(page) == []
        page.click("a[href='/account/identita/spid/']")
        page.wait_for_url("**/account/identita/completa/")
        assert axe_violations(page) == []
        page.fill("#id_display_name", "Nome pubblico")
        page.click("label[for=id_consent]")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/account/")
        assert "Nome pubblico" in page.inner_text("main")
        assert "SPID" in page.inner_text("main")
        assert axe_violations(page) == []
        user = get_user_model().objects.get(email="persona.prova@example.org")
        assert user.external_identities.get().provider == "spid"
    finally:
        provider.stop()


def test_edit_a_systems_map_and_see_its_loops(live_server: Any, demo_data: None, page: Any) -> None:
    """An analyst opens the demo systems map's staff page, draws an influence that closes a
    loop, and finds the loop named on the public page; axe on both."""
    from django.contrib.auth.models import Group, User

    from territori.coherence.models import Factor
    from territori.core.roles import ANALYST
    from territori.demo.coherence import DEMO_SYSTEM

    base = live_server.url
    analyst = User.objects.create_user(
        "analista-mappe", password="a-long-test-password", is_staff=True
    )
    analyst.groups.add(Group.objects.get(name=ANALYST))
    log_in(page, base, "analista-mappe", "a-long-test-password")
    open_page(page, f"{base}/staff/coerenza/sistemi/{DEMO_SYSTEM}/")
    assert axe_violations(page) == []
    page.fill("#id_code", "nuovo-fattore")
    page.fill("#id_label_it", "Nuovo fattore di prova")
    page.click("form:has(input[value=factor]) button[type=submit]")
    page.wait_for_selector(".alert-success")
    hub = Factor.objects.filter(system__code=DEMO_SYSTEM, node__isnull=False).first()
    assert hub is not None
    for source, target, sign in (
        (hub.code, "nuovo-fattore", "1"),
        ("nuovo-fattore", hub.code, "-1"),
    ):
        page.fill("#id_source", source)
        page.fill("#id_target", target)
        page.select_option("#id_sign", sign)
        page.fill("#id_delay", "3")
        page.click("form:has(input[value=influence]) button[type=submit]")
        page.wait_for_selector(".alert-success")
    open_page(page, f"{base}/en/coerenza/sistemi/{DEMO_SYSTEM}/")
    loops = page.inner_text("#loops ~ div table")
    assert "Nuovo fattore di prova" in loops
    assert axe_violations(page) == []


def test_edit_a_roadmap_and_see_its_pdf(live_server: Any, demo_data: None, page: Any) -> None:
    """The working group's delegate adds a milestone to the demo roadmap; it appears on the
    page, a new version is listed, and the PDF is served."""
    from django.contrib.auth import get_user_model

    from territori.participation.models import Roadmap

    base = live_server.url
    delegate = get_user_model().objects.get(email="partecipante2@demo.invalid")
    delegate.set_password("una-Password-lunga-7")
    delegate.save()
    roadmap = Roadmap.objects.get(code="demo-tabella-missione-1-2")
    before = roadmap.version
    log_in(page, base, "partecipante2@demo.invalid", "una-Password-lunga-7")
    open_page(page, f"{base}/partecipa/tabelle-di-marcia/{roadmap.code}/")
    page.click(f"a[href='/partecipa/tabelle-di-marcia/{roadmap.code}/modifica/']")
    page.wait_for_url("**/modifica/")
    assert axe_violations(page) == []
    page.fill("form:has(input[value=milestone]) #id_year", str(roadmap.horizon))
    page.fill("form:has(input[value=milestone]) #id_title_it", "Traguardo dal browser")
    page.fill("form:has(input[value=milestone]) #id_nodes", "plan:2")
    page.click("form:has(input[value=milestone]) button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert "Traguardo dal browser" in page.inner_text("main")
    roadmap.refresh_from_db()
    assert roadmap.version == before + 1
    open_page(page, f"{base}/partecipa/tabelle-di-marcia/{roadmap.code}/")
    assert f"v{before + 1}" in page.inner_text("main")
    assert axe_violations(page) == []
    pdf = page.request.get(f"{base}/partecipa/tabelle-di-marcia/{roadmap.code}/tabella.pdf")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
