"""The coherence matrix in headless Chromium: every score has a visible colour in the table,
and the heat map has square, readable cells on a desktop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.portal import test_browser as portal_browser
from tests.portal.test_browser import axe_violations, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
page = portal_browser.page

WHITE = "rgb(255, 255, 255)"


def _cell_colours(page: Any) -> dict[str, tuple[str, str]]:
    """Score class → (painted background, text colour) of the first table cell with it."""
    return page.evaluate(
        """() => {
            const seen = {};
            for (const cell of document.querySelectorAll('td[class*="territori-score-"]')) {
                const name = [...cell.classList].find(c => c.startsWith('territori-score-'));
                if (seen[name]) continue;
                const style = getComputedStyle(cell);
                seen[name] = [style.backgroundColor, style.color];
            }
            return seen;
        }"""
    )


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_every_score_is_coloured_and_the_heat_map_cells_are_square(
    live_server: Any, coherence: Any, page: Any, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, f"{live_server.url}/coerenza/missioni-missioni/")
    colours = _cell_colours(page)
    assert {"territori-score-3", "territori-score--3"} <= set(colours), colours
    for name, (painted, text) in colours.items():
        assert painted != text, name  # never white on white
        if name != "territori-score-0":
            assert painted not in (WHITE, "rgba(0, 0, 0, 0)"), (name, painted)
    page.wait_for_selector("#chart-heatmap[data-rendered='true'] svg", timeout=20000)
    cells = page.evaluate(
        """() => [...document.querySelectorAll('#chart-heatmap svg g.mark-rect.role-mark path')]
            .map(p => p.getBoundingClientRect())
            .filter(r => r.width > 10 && r.width < 100 && r.height > 10 && r.height < 100)
            .map(r => [r.width, r.height])"""
    )
    assert len(cells) >= 21, "one cell per scored pair"
    assert all(abs(w - h) < 1.5 and w >= 24 for w, h in cells), [
        c for c in cells if abs(c[0] - c[1]) >= 1.5
    ][:5]
    # on a phone the chart keeps its size and its box scrolls sideways
    box = page.locator(".territori-chart-scroll").first
    assert box.get_attribute("tabindex") == "0"
    if width < 600:
        assert page.evaluate(
            "() => { const b = document.querySelector('.territori-chart-scroll');"
            " return b.scrollWidth > b.clientWidth; }"
        )
    # the export links stay in the chart's menu until it is opened
    links = page.locator("#chart-heatmap .vega-actions a")
    assert links.count() == 2 and not links.first.is_visible()
    page.locator("#chart-heatmap summary").click()
    assert links.first.is_visible()
    page.locator("h1").click()  # a click elsewhere closes it
    assert not links.first.is_visible()
    assert axe_violations(page) == []
