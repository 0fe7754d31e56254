"""A comune's and a zona's page tell citizens what happens there: projects located there,
networks covering it, the next meetings nearby and the contributions about its zona, each
linked to its full list; a zona whose list of comuni is not loaded says so plainly and still
shows its meetings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from territori.atlas.models import NetworkArea, Place
from territori.participation.models import Contribution
from territori.territories.models import Territory
from tests.conftest import assert_same_queries
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    NetworkFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

VOLPIANO = "001314"


def _activity(comune: Territory, zone: Territory, n: int) -> None:
    """A project located in the comune, a network covering it, a meeting there next month,
    one held last year, and a public contribution about its zona."""
    now = timezone.now()
    project = ProjectFactory(title=f"Scuola nuova {n}", total_funding=Decimal(1_250_000 + n))
    Place.objects.create(project=project, territory=comune, share=1)
    NetworkArea.objects.create(
        network=NetworkFactory(name=f"Contratto di fiume {n}"), territory=comune
    )
    MeetingFactory(
        title_it=f"Laboratorio vicino {n}",
        comune=comune,
        zone=zone,
        starts_at=now + dt.timedelta(days=30 + n),
        ends_at=now + dt.timedelta(days=30 + n, hours=2),
    )
    MeetingFactory(
        comune=comune, starts_at=now - dt.timedelta(days=365), ends_at=now - dt.timedelta(days=365)
    )
    ContributionFactory(title=f"Proposta per la zona {n}", zone=zone)


def test_a_comune_page_shows_what_happens_there(client: Client, frameworks: Any) -> None:
    comune = Territory.objects.get(code=VOLPIANO)
    zone = Territory.objects.get(code="ZO04")
    _activity(comune, zone, 1)
    ContributionFactory(title="Nascosta", zone=zone, hidden_at=timezone.now())
    text = client.get(f"/territori/{VOLPIANO}/").content.decode()
    section = text.split('id="what-happens-here"', 1)[1]
    for expected in (
        "Scuola nuova 1",
        "1.250.001 €",  # Italian thousands separators
        "Contratto di fiume 1",
        "Laboratorio vicino 1",
        "Proposta per la zona 1",
        f'href="/atlante/?comune={VOLPIANO}"',
        'href="/partecipa/incontri/?zona=ZO04"',
        'href="/partecipa/contributi/?zona=ZO04"',
    ):
        assert expected in section, expected
    assert "Nascosta" not in section
    english = client.get(f"/en/territori/{VOLPIANO}/").content.decode()
    assert "What happens here" in english and "1,250,001 €" in english


def test_an_empty_comune_says_nothing_is_there_yet(client: Client, frameworks: Any) -> None:
    text = client.get("/en/territori/001058/").content.decode()  # Carignano: no zona loaded
    section = text.split('id="what-happens-here"', 1)[1]
    assert "No meeting is planned here yet." in section
    assert "No project located here is loaded yet." in section
    assert "contributions cannot be linked to it" in section


def test_a_zona_without_its_list_speaks_to_citizens_and_shows_its_meetings(
    client: Client, frameworks: Any
) -> None:
    zone = Territory.objects.get(code="ZO02")
    assert zone.members_status == "partial"
    MeetingFactory(
        title_it="Incontro nella zona ovest",
        zone=zone,
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=1),
    )
    text = client.get("/en/territori/ZO02/").content.decode()
    assert 'id="zona-list-missing"' in text and "staff can import" not in text
    section = text.split('id="what-happens-here"', 1)[1]
    assert "Incontro nella zona ovest" in section
    assert "once the list of this zona's comuni is loaded" in section


def test_a_zona_with_its_list_gathers_its_comuni(client: Client, frameworks: Any) -> None:
    _activity(Territory.objects.get(code=VOLPIANO), Territory.objects.get(code="ZO04"), 1)
    section = client.get("/territori/ZO04/").content.decode().split('id="what-happens-here"')[1]
    assert "Scuola nuova 1" in section and "Contratto di fiume 1" in section
    assert 'href="/atlante/?zona=ZO04"' in section


@pytest.mark.parametrize("url", [f"/territori/{VOLPIANO}/", "/territori/ZO04/"])
def test_queries_do_not_grow_with_what_happens_there(
    client: Client, frameworks: Any, url: str
) -> None:
    comune, zone = Territory.objects.get(code=VOLPIANO), Territory.objects.get(code="ZO04")
    _activity(comune, zone, 0)
    counter = iter(range(1, 100))

    def grow() -> None:
        for _ in range(6):
            _activity(comune, zone, next(counter))

    assert_same_queries(client, url, grow)
    assert Contribution.objects.count() == 7


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("Volpiano", f"/territori/{VOLPIANO}/"),
        ("  san MAURO torinese ", "/territori/001249/"),
        ("LEINI", "/territori/001130/"),
        ("Pinerolo", "/cerca/?q=Pinerolo&tipo=territory"),  # not in this world: search
        ("", "/cerca/?q=&tipo=territory"),
    ],
)
def test_my_comune_from_the_home_page(
    client: Client, frameworks: Any, name: str, target: str
) -> None:
    assert 'action="/territori/trova/"' in client.get("/").content.decode()
    response = client.get("/territori/trova/", {"nome": name})
    assert response.status_code == 302 and response["Location"] == target


def test_a_comune_s_indicators_against_its_zona_and_the_city_in_pages(
    client: Client, frameworks: Any
) -> None:
    from tests.factories import IndicatorFactory, ObservationFactory

    places = {code: Territory.objects.get(code=code) for code in (VOLPIANO, "ZO04", "201")}
    for n in range(25):
        indicator = IndicatorFactory(
            code=f"IND{n:02d}",
            name_it=f"Indicatore {n:02d}",
            unit="ab.",
            order=n,
            decimals=0,
            polarity=-1 if n == 3 else 1,
        )
        for code, value in ((VOLPIANO, 15_000 + n), ("ZO04", 14_000), ("201", 15_001)):
            ObservationFactory(indicator=indicator, territory=places[code], year=2022, value=value)
    first = client.get(f"/territori/{VOLPIANO}/").content.decode()
    table = first.split('id="territory-indicators"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 20  # header and the first page
    assert "Zona Area Metropolitana Torino Nord" in table

    def row(n: int) -> str:
        return table.split(f"Indicatore {n:02d}")[1].split("</tr>")[0]

    # 15,000 + n inhabitants against 14,000 in the zona and 15,001 in the city
    assert "15.000 ab." in row(0) and "14.000" in row(0) and "15.001" in row(0)
    assert ">-1 " in row(0) and "peggio" in row(0)  # one fewer where more is better
    assert ">0<" in row(1) and "meglio" not in row(1) and "peggio" not in row(1)
    assert ">+1 " in row(2) and "meglio" in row(2)
    assert ">+2 " in row(3) and "peggio" in row(3)  # two more where less is better
    assert 'href="?pagina=2#indicators"' in first
    second = client.get(f"/territori/{VOLPIANO}/?pagina=2").content.decode()
    table = second.split('id="territory-indicators"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 5 and "Indicatore 24" in table
    assert client.get(f"/territori/{VOLPIANO}/?pagina=99").status_code == 200  # the last page


def test_a_comune_s_indicators_against_the_median_of_the_metropolitan_cities(
    client: Client, frameworks: Any
) -> None:
    from tests.factories import IndicatorFactory, ObservationFactory, TerritoryFactory

    metro = Territory.objects.filter(kind=Territory.Kind.METRO_CITY, valid_to__isnull=True)
    Territory.objects.exclude(code="201").filter(kind=Territory.Kind.METRO_CITY).update(
        kind=Territory.Kind.PROVINCE  # only the cities this test makes count
    )
    cities = [
        Territory.objects.get(code="201"),
        TerritoryFactory(code="T-MI", kind=Territory.Kind.METRO_CITY, name="Città A"),
        TerritoryFactory(code="T-BO", kind=Territory.Kind.METRO_CITY, name="Città B"),
        TerritoryFactory(code="T-OLD", kind=Territory.Kind.METRO_CITY, name="Città soppressa"),
    ]
    Territory.objects.filter(code="T-OLD").update(valid_to=dt.date(2016, 12, 31))
    assert metro.count() == 3
    volpiano = Territory.objects.get(code=VOLPIANO)
    more = IndicatorFactory(code="MORE", name_it="Più è meglio", decimals=1, polarity=1)
    less = IndicatorFactory(code="LESS", name_it="Meno è meglio", decimals=1, polarity=-1)
    for indicator in (more, less):
        ObservationFactory(indicator=indicator, territory=volpiano, year=2022, value=12.0)
        for city, value in zip(cities, (10.0, 14.0, 11.0, 99.0), strict=True):
            ObservationFactory(indicator=indicator, territory=city, year=2022, value=value)
            # another year's values are not mixed in
            ObservationFactory(indicator=indicator, territory=city, year=2021, value=50.0)
    page = client.get(f"/territori/{VOLPIANO}/").content.decode()
    table = page.split('id="territory-indicators"')[1].split("</table>")[0]
    assert "Città metropolitane (mediana)" in table

    def peers_cell(name: str) -> str:
        return table.split(name)[1].split("</tr>")[0].rsplit("<td", 1)[1]

    # the median of 10, 14 and 11 (the suppressed city is left out) is 11
    assert "11,0" in peers_cell("Più è meglio") and "meglio" in peers_cell("Più è meglio")
    assert "(3 città)" in peers_cell("Più è meglio")
    assert "11,0" in peers_cell("Meno è meglio") and "peggio" in peers_cell("Meno è meglio")


def test_the_home_page_says_what_is_new(client: Client, indicators: Any) -> None:
    from territori.publication.models import Page, Report

    empty = client.get("/en/").content.decode().split('id="whats-new"')[1].split("</section>")[0]
    assert "None planned yet." in empty and "No report published yet." in empty
    assert "No news yet." in empty
    assert "Every indicator" in empty
    MeetingFactory(
        title_it="Prossimo laboratorio",
        starts_at=timezone.now() + dt.timedelta(days=2),
        ends_at=timezone.now() + dt.timedelta(days=2, hours=1),
    )
    MeetingFactory(
        title_it="Annullato",
        cancelled=True,
        starts_at=timezone.now() + dt.timedelta(days=1),
        ends_at=timezone.now() + dt.timedelta(days=1, hours=1),
    )
    Report.objects.create(year=2025, title_it="Rapporto 2025", published=True, state="done")
    Page.objects.create(
        slug="notizia-prova", kind=Page.Kind.NEWS, title_it="Notizia di prova", published=True
    )
    section = client.get("/").content.decode().split('id="whats-new"')[1].split("</section>")[0]
    assert "Prossimo laboratorio" in section and "Annullato" not in section
    assert 'href="/rapporto/2025/"' in section and "Notizia di prova" in section
    assert section.count('href="/indicatori/') >= 3  # the latest assessments


def test_a_comune_s_totals_are_shown_but_not_compared_with_the_city_s(
    client: Client, frameworks: Any
) -> None:
    from territori.indicators.models import Aggregation
    from tests.factories import IndicatorFactory, ObservationFactory

    volpiano, city = Territory.objects.get(code=VOLPIANO), Territory.objects.get(code="201")
    total = IndicatorFactory(name_it="Abitanti", aggregation=Aggregation.SUM, decimals=0)
    rate = IndicatorFactory(name_it="Tasso", aggregation=Aggregation.RATIO, decimals=0)
    for indicator, mine, theirs in ((total, 15_000, 2_200_000), (rate, 1_500, 1)):
        ObservationFactory(indicator=indicator, territory=volpiano, year=2022, value=mine)
        ObservationFactory(indicator=indicator, territory=city, year=2022, value=theirs)
    table = client.get(f"/territori/{VOLPIANO}/").content.decode().split("</table>")[-2]
    inhabitants = table.split("Abitanti")[1].split("</tr>")[0]
    assert "2.200.000" in inhabitants and "un totale: non confrontato" in inhabitants
    assert "peggio" not in inhabitants and "meglio" not in inhabitants
    assert "+1.499" in table.split("Tasso")[1].split("</tr>")[0]  # thousands separators
