"""The three paths a real visitor takes, in headless Chromium on the demo, each page checked
with axe-core and no error in the browser's console:

- a citizen of a comune: home → il mio comune → a meeting nearby → log in → register;
- an analyst: an indicator → its Mission's hub → the coherence sheet → the report's PDF;
- an English-speaking visitor: /en/ → comparisons → a ranking among the metropolitan cities.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.portal import test_browser as portal_browser
from tests.portal.test_browser import axe_violations, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
page = portal_browser.page


def _watch(page: Any) -> list[str]:
    """Errors the browser reports (console errors and uncaught exceptions)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{page.url}: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    return errors


def _checked(page: Any, failures: dict[str, Any]) -> None:
    if violations := axe_violations(page):
        failures[page.url] = violations


def test_a_citizen_finds_their_comune_a_meeting_nearby_and_registers(
    live_server: Any, demo_data: None, page: Any
) -> None:
    from django.contrib.auth.models import User

    from territori.participation.models import Participant, Registration

    user = User.objects.create_user(
        "cittadina@example.org", email="cittadina@example.org", password="una-Password-lunga-7"
    )
    Participant.objects.create(
        user=user, display_name="Cittadina", email_verified_at="2026-01-01T00:00Z"
    )
    errors, failures = _watch(page), {}
    open_page(page, live_server.url + "/")
    _checked(page, failures)
    page.fill("#my-comune", "chivasso")
    page.get_by_role("button", name="Scopri che cosa succede").click()
    page.wait_for_url("**/territori/001082/")
    _checked(page, failures)
    page.locator("#what-happens-here a[href^='/partecipa/incontri/demo-']").first.click()
    page.wait_for_url("**/partecipa/incontri/demo-*/")
    meeting = page.url.rstrip("/").rsplit("/", 1)[-1]
    _checked(page, failures)
    page.locator("main a[href^='/account/accedi/?next=']").first.click()
    page.fill("#id_username", "cittadina@example.org")
    page.fill("#id_password", "una-Password-lunga-7")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/partecipa/incontri/{meeting}/")  # back where they were
    page.click("label[for=id_consent]")
    page.click("form[action$='iscriviti/'] button[type=submit]")
    page.wait_for_selector(".alert-success")
    _checked(page, failures)
    assert Registration.objects.filter(user=user, meeting__code=meeting).exists()
    assert failures == {} and errors == []


def test_an_analyst_goes_from_an_indicator_to_the_mission_hub_the_sheet_and_the_report(
    live_server: Any, demo_data: None, page: Any
) -> None:
    from territori.demo.publication import REPORT_YEAR
    from territori.publication.models import Report
    from territori.publication.report import report_build

    report_build(Report.objects.get(year=REPORT_YEAR).pk)
    errors, failures = _watch(page), {}
    open_page(page, live_server.url + "/indicatori/UBB/")
    _checked(page, failures)
    page.locator("main a[href='/quadri/amsvs-torino/1.2/']").first.click()
    page.wait_for_url("**/quadri/amsvs-torino/1.2/")
    page.wait_for_selector("#mission-hub")
    _checked(page, failures)
    page.locator("#hub-coherence a[href='/coerenza/schede/amsvs-torino/1.2/']").click()
    page.wait_for_url("**/coerenza/schede/amsvs-torino/1.2/")
    _checked(page, failures)
    page.go_back()
    pdf = page.locator("#hub-report a[href$='.pdf']").get_attribute("href")
    assert pdf == f"/rapporto/{REPORT_YEAR}/rapporto-it.pdf"
    response = page.request.get(live_server.url + pdf)
    assert response.ok and response.body().startswith(b"%PDF-")
    page.locator("#hub-report a[href*='#node-']").click()
    page.wait_for_url(f"**/rapporto/{REPORT_YEAR}/#node-*")
    _checked(page, failures)
    assert failures == {} and errors == []


def test_an_english_visitor_reaches_the_comparisons(
    live_server: Any, demo_data: None, page: Any
) -> None:
    errors, failures = _watch(page), {}
    open_page(page, live_server.url + "/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    _checked(page, failures)
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Comparisons"
    ).click()
    page.wait_for_url("**/en/confronti/")
    _checked(page, failures)
    page.locator("main a[href='/en/confronti/10AMB017/']").first.click()
    page.wait_for_url("**/en/confronti/10AMB017/")
    page.wait_for_selector("[data-vega-spec][data-rendered='true']", timeout=20000)
    assert "of 14" in page.inner_text("main")
    _checked(page, failures)
    assert failures == {} and errors == []
