"""Share cards and the infographic pages: sizes, what a card says, and the formats."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.utils import translation
from PIL import Image

from territori.frameworks.models import Node
from territori.indicators import selectors as ind
from territori.indicators.models import Indicator
from territori.publication import cards
from territori.territories.models import Territory
from tests.worlds import Indicators

from ..conftest import assert_same_queries
from ..factories import IndicatorFactory, NodeFactory, ObservationFactory

pytestmark = pytest.mark.django_db

MISSION = "/infografiche/amsvs-torino/1.2/"


@pytest.mark.parametrize(("size", "dimensions"), list(cards.SIZES.items()))
def test_cards_have_the_right_size_as_png_and_svg(
    client: Client, size: str, dimensions: tuple[int, int], indicators: Indicators
) -> None:
    for url in (f"{MISSION}scheda-{size}", f"/indicatori/POP/scheda-{size}"):
        png = client.get(f"{url}.png")
        assert png["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(png.content)).size == dimensions
        svg = client.get(f"{url}.svg").content.decode()
        width, height = dimensions
        assert f'width="{width}" height="{height}"' in svg.split(">", 1)[0]
        assert 'role="img"' in svg and "<title>" in svg


def test_indicator_card_says_value_assessment_source_and_licence(
    client: Client, indicators: Indicators
) -> None:
    indicator = Indicator.objects.get(code="POP")
    item = ind.indicators_with_badges(indicators=[indicator])[0]
    year, value = item.values[-1]
    svg = client.get("/indicatori/POP/scheda-quadrata.svg").content.decode()
    text = " ".join(re.findall(r">([^<>]+)</tspan>", svg))
    shown = f"{round(value):,}".replace(",", ".")  # Italian grouping
    assert shown in text and str(year) in text
    assert "Lungo periodo:" in text
    assert "Fonte: ISTAT" in text and "Licenza:" in text
    assert "Agenda metropolitana per lo sviluppo sostenibile" in text
    assert "/indicatori/POP/" in text
    english = client.get("/en/indicatori/POP/scheda-quadrata.svg").content.decode()
    assert "Long term:" in english


def test_mission_card_counts_its_indicators_by_assessment(indicators: Indicators) -> None:
    node = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    with translation.override("it"):
        content = cards.mission_card(node)
    items = ind.node_indicators(node=node)
    assert f"su {len(items)} in progresso" in content.status
    assert content.chart is not None


def test_long_titles_are_wrapped_and_cut(client: Client, indicators: Indicators) -> None:
    content = cards.indicator_card(Indicator.objects.get(code="POP"))
    content.title = "parola " * 80
    svg = cards.card_svg(content, "orizzontale")
    title_lines = re.findall(r'<g data-box="title"><text[^>]*>(.*?)</text>', svg)[0]
    assert title_lines.count("<tspan") == 2 and "…" in title_lines


def test_unknown_sizes_and_formats_are_404(client: Client, indicators: Indicators) -> None:
    assert client.get("/indicatori/POP/scheda-quadrata.svg").status_code == 200
    assert client.get("/indicatori/POP/scheda-gigante.png").status_code == 404
    assert client.get("/indicatori/POP/scheda-quadrata.gif").status_code == 404
    assert client.get("/indicatori/NOPE/scheda-quadrata.png").status_code == 404
    assert client.get("/infografiche/amsvs-torino/9.9/").status_code == 404


def test_infographic_page_combines_the_missions_indicators(
    client: Client, indicators: Indicators
) -> None:
    node = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    page = client.get(MISSION).content.decode()
    for item in ind.node_indicators(node=node):
        assert item.indicator.get_absolute_url() in page
        assert f"/indicatori/{item.indicator.code}/scheda-quadrata.png" in page
    assert "scheda-orizzontale.svg" in page and 'alt="Scheda da condividere' in page
    listing = client.get("/infografiche/").content.decode()
    assert MISSION in listing


def test_infographic_pages_make_the_same_queries_with_more_missions_and_indicators(
    client: Client, indicators: Indicators
) -> None:
    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    home = Territory.objects.get(code="201")

    def more_missions() -> None:
        for code in ("9.1", "9.2"):
            NodeFactory(
                framework=mission.framework,
                parent=mission.parent,
                level=mission.level,
                depth=mission.depth,
                code=code,
            )

    def more_indicators() -> None:
        for _n in range(2):
            indicator = IndicatorFactory()
            indicator.nodes.add(mission)
            for year in (2019, 2020):
                ObservationFactory(indicator=indicator, territory=home, year=year)

    assert_same_queries(client, "/infografiche/", more_missions)
    assert_same_queries(client, MISSION, more_indicators)
