"""Publication pages in headless Chromium: axe-core on every new page, the report page and
the staff build page, and the API documentation page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.portal import test_browser as portal_browser
from tests.portal.test_browser import axe_violations, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
page = portal_browser.page

PAGES = [
    "/pubblicazioni/",
    "/en/pubblicazioni/",
    "/notizie/",
    "/pagine/dati-aperti/",
    "/pagine/prima-conferenza-forum-missioni/",
    "/dati/",
    "/dati/osservazioni/",
    "/infografiche/",
    "/infografiche/amsvs-torino/1.2/",
    "/en/infografiche/amsvs-torino/1.2/",
    "/cerca/?q=torino",
    "/en/cerca/?q=torino&tipo=territory&tipo=node",
]


def test_publication_pages_report_and_staff_page_pass_axe(
    live_server: Any, demo_data: None, page: Any
) -> None:
    """One test, so the demo is loaded once for all of them."""
    from django.contrib.auth.models import Group, User
    from django.utils import translation

    from territori.core.roles import ANALYST
    from territori.demo.publication import REPORT_YEAR
    from territori.publication.models import Report
    from territori.publication.report import BuildCache, report_content, report_figures_store

    failures = {}
    for path in PAGES:
        open_page(page, live_server.url + path)
        if violations := axe_violations(page):
            failures[path] = violations
    assert failures == {}
    report = Report.objects.get(year=REPORT_YEAR)
    cache = BuildCache()
    with translation.override("it"):
        report.html_it = report_content(report, cache=cache)  # the PDF is tested elsewhere
    report_figures_store(report, cache.figures, [report.html_it])
    report.state, report.progress = Report.State.DONE, 100
    report.save()
    open_page(page, f"{live_server.url}/rapporto/{REPORT_YEAR}/")
    assert page.locator("#report-methods").count() == 1
    page.locator("img.territori-static-chart").first.scroll_into_view_if_needed()
    page.wait_for_function(  # the images load from their own addresses
        "() => { const i = document.querySelector('img.territori-static-chart');"
        " return i.complete && i.naturalWidth > 0; }",
        timeout=10_000,
    )
    assert axe_violations(page) == []
    user = User.objects.create_user(
        "analyst-report", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ANALYST))
    Report.objects.filter(pk=report.pk).update(state=Report.State.RUNNING, progress=30)
    open_page(page, f"{live_server.url}/staff/pubblicazione/rapporti/")
    page.fill("#id_username", "analyst-report")
    page.fill("#id_password", "a-long-test-password")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/staff/pubblicazione/rapporti/")
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "30"
    assert axe_violations(page) == []
    # the progress is polled: when the build moves on, the page shows it without reloading
    Report.objects.filter(pk=report.pk).update(progress=80, progress_message="PDF (en)")
    page.wait_for_selector("[role=progressbar][aria-valuenow='80']", timeout=10_000)


def test_api_documentation_passes_axe(live_server: Any, page: Any) -> None:
    open_page(page, f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert axe_violations(page) == []
