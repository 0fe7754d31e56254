"""Browser tests in headless Chromium: the visitor's path, the language switch, and axe-core.

Skipped with a reason when Chromium is missing locally; in CI (CI=true) they must run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = [
    "/",
    "/en/",
    "/quadri/",
    "/quadri/amsvs-torino/",
    "/quadri/amsvs-torino/1.2/",
    "/quadri/amsvs-torino/1.2/scenari/",
    "/en/quadri/amsvs-torino/1.2/scenari/",
    "/en/quadri/pnrr/M1/",
    "/quadri/proposta-2024/1.4.a/",
    "/territori/",
    "/territori/ZO04/",
    "/territori/ZO02/",
    "/territori/001272/",
    "/en/territori/201/",
    "/cerca/?q=torino",
    "/indicatori/",
    "/indicatori/UBB/?territorio=001272",
    "/en/indicatori/SH_65/",
    "/coerenza/",
    "/coerenza/missioni-missioni/",
    "/coerenza/sistemi/demo-sistema-missione-1-2/",
    "/en/coerenza/sistemi/demo-sistema-missione-1-2/",
    "/en/coerenza/psm-strategie-missioni/",
    "/coerenza/schede/amsvs-torino/1.2/",
    "/programma/proposta-2024/",
    "/atlante/",
    "/atlante/reti/demo-rete-01/",
    "/atlante/organizzazioni/demo-org-001/",
    "/atlante/progetti/pnrr-c81f22003040001/",
    "/en/atlante/missioni/1.2/",
    "/en/programma/proposta-2024/",
    "/confronti/",
    "/confronti/10AMB017/",
    "/en/confronti/10AMB004/?province=1",
    "/confronti/pagella/201/",
    "/en/confronti/pagella/210/",
    "/confronti/compositi/",
    "/indicatori/10AMB017/",
]


@pytest.fixture
def page(chromium_path: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv(
        "DJANGO_ALLOW_ASYNC_UNSAFE", "true"
    )  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        opened = context.new_page()
        refused: list[str] = []  # the Content-Security-Policy must never have to refuse

        def on_console(message: Any) -> None:
            if "Content Security Policy" in message.text:
                refused.append(f"{opened.url}: {message.text}")

        opened.on("console", on_console)
        yield opened
        browser.close()
        assert not refused, refused


def axe_violations(page: Any) -> list[dict[str, Any]]:
    axe = Path(settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"
    assert axe.exists(), "run npm ci (axe-core is a dev dependency)"
    page.evaluate(
        axe.read_text()
    )  # through the debugger protocol: the page's CSP allows no inline script
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def open_page(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    if page.locator("[data-vega-spec]").count():
        page.wait_for_selector("[data-vega-spec][data-rendered]", timeout=20000)
        assert page.locator('[data-rendered="error"]').count() == 0, url


def test_every_page_passes_axe(live_server: Any, demo_data: None, page: Any) -> None:
    failures = {}
    for path in PAGES:
        open_page(page, live_server.url + path)
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
    assert failures == {}


def test_no_page_is_wider_than_a_phone(live_server: Any, demo_data: None, page: Any) -> None:
    """At a phone's width nothing widens the page: long addresses wrap, wide tables and
    charts scroll in their own box."""
    page.set_viewport_size({"width": 390, "height": 844})
    wider = {}
    for path in [*PAGES, "/en/territori/001191/", "/en/territori/ZO05/"]:
        open_page(page, live_server.url + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            wider[path] = overflow
    assert wider == {}


def test_visitor_goes_from_the_agenda_to_a_mission_a_plan_axis_and_a_territory(
    live_server: Any, demo_data: None, page: Any
) -> None:
    open_page(page, live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "it"
    page.get_by_role("link", name="Promuovere la green economy").first.click()
    page.wait_for_url("**/quadri/amsvs-torino/1.2/")
    page.locator('a[href="/quadri/psm-2024-2026/1/"]').first.click()
    page.wait_for_url("**/quadri/psm-2024-2026/1/")
    assert "Torino Metropoli più produttiva e innovativa" in page.locator("h1").inner_text()
    page.locator('a[href="/quadri/pnrr/M1/"]').first.click()
    page.wait_for_url("**/quadri/pnrr/M1/")
    page.get_by_role("navigation", name="Navigazione principale").get_by_role(
        "link", name="Territorio"
    ).click()
    page.wait_for_url("**/territori/")
    page.wait_for_selector("[data-vega-spec][data-rendered='true'] svg", timeout=20000)
    assert page.locator("svg path").count() > 300  # one shape per comune
    page.get_by_role("link", name="Mappano").click()
    page.wait_for_url("**/territori/001316/")
    assert "Area Metropolitana Torino Nord" in page.content()
    # the language switch keeps the page
    page.locator('a[hreflang="en"]').first.click()
    page.wait_for_url("**/en/territori/001316/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Territory" in page.get_by_role("navigation", name="Main navigation").inner_text()


def test_indicator_page_draws_its_charts_and_switches_territory(
    live_server: Any, demo_data: None, page: Any
) -> None:
    open_page(page, f"{live_server.url}/indicatori/UBB/")
    page.wait_for_selector("#chart-series[data-rendered='true']", timeout=20000)
    page.wait_for_selector("#chart-map[data-rendered='true']", timeout=20000)
    page.select_option("#territorio", "001272")
    page.click("form[aria-label] button[type=submit] >> nth=0")
    page.wait_for_selector("#chart-series[data-rendered='true']", timeout=20000)
    assert "Torino" in page.inner_text("#chart-series-table")


def test_staff_import_pages_pass_axe_after_logging_in(
    live_server: Any, demo_data: None, page: Any, tmp_path: Path
) -> None:
    from django.contrib.auth.models import Group, User

    from territori.core.roles import ANALYST

    user = User.objects.create_user(
        "analyst-browser", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ANALYST))
    open_page(page, f"{live_server.url}/staff/indicatori/importa/")  # redirected to log in
    page.fill("#id_username", "analyst-browser")
    page.fill("#id_password", "a-long-test-password")
    page.click("main form button[type=submit]")  # the login page
    page.wait_for_url("**/staff/indicatori/importa/")
    assert axe_violations(page) == []
    broken = tmp_path / "tidy-broken.csv"
    broken.write_bytes(
        (Path(__file__).parent.parent / "fixtures/indicators/tidy-broken.csv").read_bytes()
    )
    page.set_input_files("input[type=file]", str(broken))
    page.select_option("#id_indicator", "UBB")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/staff/indicatori/importa/*/")
    assert "not a year" in page.content()
    assert axe_violations(page) == []


def test_grid_editor_by_keyboard_saves_and_shows_a_conflict(
    live_server: Any, demo_data: None, page: Any
) -> None:
    from django.contrib.auth.models import User

    from territori.coherence.models import Matrix, Score
    from territori.coherence.services import matrix_set_axes
    from territori.frameworks.models import Node

    user = User.objects.create_user(
        "assessor-browser", password="a-long-test-password", is_staff=True
    )
    matrix = Matrix.objects.create(code="laboratorio", title_it="Laboratorio", owner=user)
    matrix.assessors.set([user])
    missions = list(
        Node.objects.filter(
            framework__code="amsvs-torino", code__in=["1.1", "1.2", "1.3"]
        ).order_by("code")
    )
    matrix_set_axes(matrix=matrix, rows=missions, columns=missions)
    open_page(page, f"{live_server.url}/staff/coerenza/laboratorio/")
    page.fill("#id_username", "assessor-browser")
    page.fill("#id_password", "a-long-test-password")
    page.click("main form button[type=submit]")  # the login page
    page.wait_for_url("**/staff/coerenza/laboratorio/")
    assert axe_violations(page) == []
    # first row: the diagonal has no link, so Tab lands on 1.1→1.2; Right goes to 1.1→1.3,
    # Down to 1.2→1.3, Left skips nothing (1.2→1.1), Enter opens it
    page.locator("#coherence-grid td a").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    focused = page.evaluate("document.activeElement.closest('td').dataset.cell")
    assert focused == f"{missions[1].pk}-{missions[0].pk}"
    page.keyboard.press("Enter")
    page.wait_for_selector("#score-form")
    assert axe_violations(page) == []
    page.select_option("#score", "2")
    page.fill("#rationale", "scritta nel laboratorio")
    page.click("#score-form button[value=save]")
    page.wait_for_selector("#score-form [data-outcome=saved]")
    assert page.inner_text("#score-form [role=status]") == "Salvato."
    score = Score.objects.get(matrix=matrix)
    assert (score.score, score.rationale, score.version) == (2, "scritta nel laboratorio", 1)
    # meanwhile the same cell is saved elsewhere: the next save is refused and says so
    Score.objects.filter(pk=score.pk).update(score=-1, version=2, rationale="altrove")
    page.select_option("#score", "3")
    page.click("#score-form button[value=save]")
    page.wait_for_selector("#score-form [data-outcome=conflict]")
    assert "altrove" in page.inner_text("#score-form [role=status]")
    assert Score.objects.get(pk=score.pk).score == -1
    assert page.input_value("#rationale") == "scritta nel laboratorio"
    page.click("#score-form button[value=save]")  # saving again replaces knowingly
    page.wait_for_selector("#score-form [data-outcome=saved]")
    assert Score.objects.get(pk=score.pk).score == 3
    open_page(page, f"{live_server.url}/staff/coerenza/laboratorio/importa/")
    assert axe_violations(page) == []


def test_atlas_filters_and_a_project_page(live_server: Any, demo_data: None, page: Any) -> None:
    from territori.atlas.models import Project

    open_page(page, f"{live_server.url}/atlante/")
    page.select_option("#f-origine", "pnrr")
    page.click("form[aria-label] button[type=submit]")
    page.wait_for_url("**/atlante/?*origine=pnrr*")
    page.wait_for_selector("#chart-funding[data-rendered='true']", timeout=20000)
    first = page.locator("table a[href^='/atlante/progetti/']").first
    code = first.get_attribute("href").rstrip("/").rsplit("/", 1)[1]
    project = Project.objects.get(code=code)
    assert project.origin == "pnrr"
    first.click()
    page.wait_for_url(f"**/atlante/progetti/{code}/")
    page.wait_for_selector("#chart-places[data-rendered='true']", timeout=20000)
    # ReGiS's 2023 files report no progress: no bar until staff record one
    assert page.locator("[role=progressbar]").count() == (0 if project.progress is None else 1)
    assert axe_violations(page) == []
