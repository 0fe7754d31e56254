"""A Mission's scenarios page: each indicator's path to 2030 and 2050 under the trend, the
targets and an alternative, against hand-computed values; the CSV; query counts."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from territori.indicators.models import Indicator, Observation, Scenario, Target
from territori.territories.models import Territory

from ..conftest import assert_same_queries
from ..factories import FrameworkFactory, IndicatorFactory, NodeFactory, TerritoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any) -> dict[str, Any]:
    home = TerritoryFactory(code="201", kind=Territory.Kind.METRO_CITY, name="Città di prova")
    settings.TERRITORI_HOME_TERRITORY = "201"
    framework = FrameworkFactory(code="agenda-prova", role="agenda")
    mission = NodeFactory(framework=framework, code="1.2", title_it="Missione di prova")
    rising = IndicatorFactory(code="sale", name_it="Indicatore che sale", decimals=2)
    falling = IndicatorFactory(code="scende", name_it="Indicatore che scende", polarity=-1)
    for indicator in (rising, falling):
        indicator.nodes.add(mission)
    # rising: 100, 110, 121 in 2022-2024 (10 % a year); falling: 50 in 2023, 40 in 2024
    for year, value in ((2022, 100.0), (2023, 110.0), (2024, 121.0)):
        Observation.objects.create(indicator=rising, territory=home, year=year, value=value)
    for year, value in ((2023, 50.0), (2024, 40.0)):
        Observation.objects.create(indicator=falling, territory=home, year=year, value=value)
    Target.objects.create(indicator=rising, territory=None, value=200.0, year=2030, kind="eu")
    Target.objects.create(indicator=rising, territory=home, value=150.0, year=2030, kind="local")
    for position, (kind, extra) in enumerate(
        (("trend", {}), ("target", {}), ("alternative", {"annual_change": 5.0})), start=1
    ):
        Scenario.objects.create(
            node=mission,
            code=f"s-{kind}",
            kind=kind,
            name_it=f"Scenario {kind}",
            assumptions_it=f"Ipotesi {kind}.",
            position=position,
            **extra,
        )
    return {"home": home, "mission": mission, "rising": rising, "falling": falling}


def test_paths_against_hand_computed_values(client: Client, world: dict[str, Any]) -> None:
    """rising: trend 121·1.1^6 = 214.36 in 2030; target: the local one (150 in 2030, not
    the EU's 200), held to 2050; alternative +5 %: 121·1.05^6 = 162.15, ^26 = 431.98.
    falling (lower is better): trend 40·0.8^6 = 10.49; alternative −5 %: 40·0.95^6 = 29.41;
    no target."""
    from territori.indicators.scenarios import mission_scenarios

    page = mission_scenarios(node=world["mission"], territory=world["home"])
    by_code = {item.indicator.code: item for item in page.indicators}
    rising = {s.scenario.kind: s for s in by_code["sale"].series}
    assert rising["trend"].at(2030) == pytest.approx(121 * 1.1**6, rel=1e-9)
    assert rising["target"].at(2030) == pytest.approx(150.0)
    assert rising["target"].at(2050) == pytest.approx(150.0)
    assert rising["target"].at(2027) == pytest.approx(121 + 3 * (150 - 121) / 6)
    assert rising["alternative"].milestones == pytest.approx([121 * 1.05**6, 121 * 1.05**26])
    falling = {s.scenario.kind: s for s in by_code["scende"].series}
    assert falling["trend"].at(2030) == pytest.approx(40 * 0.8**6, rel=1e-9)
    assert falling["alternative"].at(2030) == pytest.approx(40 * 0.95**6, rel=1e-9)
    assert falling["target"].path == []
    assert falling["target"].why_missing


def test_page_table_chart_and_csv(client: Client, world: dict[str, Any]) -> None:
    with translation.override("en"):
        page = client.get("/en/quadri/agenda-prova/1.2/scenari/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ipotesi trend." in text
    assert f'id="chart-scenario-{world["rising"].pk}-table"' in text
    assert "214.36" in text  # the rising trend in 2030, at the indicator's 2 decimals
    assert "no target after the latest value" in text
    data = client.get("/quadri/agenda-prova/1.2/scenari.csv?territorio=201")
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "indicatore",
        "territorio",
        "scenario",
        "anno",
        "valore",
        "osservato",
        "stato_dati",
    ]
    # each row says whether its data is real or illustrative
    assert ["sale", "201", "s-target", "2030", "150.0", "no", "confirmed"] in rows
    assert ["sale", "201", "", "2024", "121.0", "sì", "illustrative"] in rows


def test_no_scenarios_or_unknown_node(client: Client, world: dict[str, Any]) -> None:
    Scenario.objects.all().delete()
    with translation.override("en"):
        page = client.get("/en/quadri/agenda-prova/1.2/scenari/").content.decode()
    assert "This Mission has no scenario yet" in page
    assert client.get("/quadri/agenda-prova/9.9/scenari/").status_code == 404


def test_queries_do_not_grow_with_indicators(client: Client, world: dict[str, Any]) -> None:
    def grow() -> None:
        for n in range(4):
            indicator: Indicator = IndicatorFactory(code=f"altro-{n}")
            indicator.nodes.add(world["mission"])
            for year in (2020, 2021, 2022):
                Observation.objects.create(
                    indicator=indicator,
                    territory=world["home"],
                    year=year,
                    value=10.0 + n + year % 7,
                )
            Target.objects.create(indicator=indicator, value=30.0, year=2030, kind="eu")

    assert_same_queries(client, "/quadri/agenda-prova/1.2/scenari/", grow)
