"""The "Confronti" pages, their downloads and the comparisons API."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territori.indicators.models import Indicator, Observation
from territori.territories.models import Territory
from tests.worlds import ranked_indicators

from ..conftest import count_queries

pytestmark = pytest.mark.django_db

PAGES = [
    "/confronti/",
    "/confronti/10AMB017/",
    "/confronti/10AMB017/?province=1&anno=2015&confronta=215&confronta=210",
    "/confronti/pagella/201/",
    "/confronti/pagella/215/?quadro=amsvs-torino",
    "/confronti/compositi/",
]


@pytest.mark.usefixtures("cities")
@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["", "/en"])
def test_pages_answer_in_both_languages(client, url: str, language: str) -> None:
    response = client.get(language + url)
    assert response.status_code == 200
    text = response.content.decode()
    assert f'<html lang="{"en" if language else "it"}"' in text
    assert ("Comparisons" if language else "Confronti") in text


@pytest.mark.usefixtures("cities")
def test_two_clicks_answer_torino_milano_genova(client) -> None:
    # from the home page, the navigation leads to the comparisons
    assert "/confronti/" in client.get("/").content.decode()
    index = client.get("/confronti/").content.decode()
    assert "/confronti/10AMB017/" in index
    page = client.get("/confronti/10AMB017/").content.decode()
    for name in ("Torino", "Milano", "Genova"):
        assert name in page
    assert '6<span class="visually-hidden"> di 14' in page  # Torino's rank, in Italian
    assert "Fonte: Istat" in page or "Istat" in page
    assert "polarità attribuita, da confermare" in page


@pytest.mark.usefixtures("cities")
def test_ranking_csv_has_every_city_and_the_references(client) -> None:
    response = client.get("/confronti/10AMB017/classifica.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 16
    torino = next(r for r in rows if r["codice"] == "201")
    assert (torino["rango"], torino["su"], torino["valore"], torino["anno"]) == (
        "6",
        "14",
        "56.9",
        "2018",
    )
    assert {r["codice"] for r in rows if not r["rango"]} == {"01", "IT"}
    # every row says the data are real, and whose
    assert {(r["stato_dati"], r["licenza"]) for r in rows} == {
        ("confirmed", "CC BY 4.0 (Fonte: Istat)")
    }
    assert all("Istat" in r["fonte"] for r in rows)
    xlsx = client.get("/confronti/10AMB017/ranghi.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.usefixtures("cities")
def test_unknown_indicator_table_and_city_are_404(client) -> None:
    assert client.get("/confronti/NOPE/").status_code == 404
    assert client.get("/confronti/10AMB017/altro.csv").status_code == 404
    assert client.get("/confronti/10AMB017/classifica.pdf").status_code == 404
    assert client.get("/confronti/pagella/001272/").status_code == 404
    assert client.get("/confronti/pagella/?citta=ZZZ").status_code == 404
    # a year outside the data falls back to the latest
    assert client.get("/confronti/10AMB017/?anno=1800").status_code == 200


def test_an_indicator_without_city_values_is_404(client) -> None:
    from tests.factories import IndicatorFactory, ObservationFactory, TerritoryFactory

    comune = TerritoryFactory(kind=Territory.Kind.COMUNE)
    ObservationFactory(indicator=IndicatorFactory(code="SOLO-COMUNI"), territory=comune)
    assert client.get("/indicatori/SOLO-COMUNI/").status_code == 200
    assert client.get("/confronti/SOLO-COMUNI/").status_code == 404


def _grow() -> None:
    italy = Territory.objects.get(code="IT")
    indicator = Indicator.objects.get(code="10AMB017")
    for n in range(4):
        city = Territory.objects.create(
            code=f"8{n:02d}", kind=Territory.Kind.METRO_CITY, name=f"Città {n}", parent=italy
        )
        Observation.objects.bulk_create(
            Observation(indicator=indicator, territory=city, year=year, value=40 + n)
            for year in range(2000, 2019)
        )


@pytest.mark.usefixtures("cities")
@pytest.mark.parametrize(
    "url",
    [
        *PAGES,
        "/confronti/10AMB017/classifica.csv",
        "/confronti/pagella/201/dati.csv",
        "/confronti/compositi/dati.csv",
        "/api/v1/comparisons/indicators/10AMB017",
        "/api/v1/comparisons/scorecards/201",
        "/api/v1/comparisons/composites",
    ],
)
def test_query_count_does_not_grow_with_territories(client, url: str) -> None:
    before = count_queries(client, url)
    _grow()
    assert count_queries(client, url) == before


@pytest.mark.usefixtures("cities")
def test_api_comparison(client) -> None:
    data = client.get("/api/v1/comparisons/indicators/10AMB017?year=2015").json()
    assert data["year"] == 2015 and data["ranked"] == 14
    torino = next(r for r in data["rows"] if r["territory"] == "201")
    assert torino["home"] is True and torino["long_term"]["status"]
    assert data["status"] == "confirmed" and "Istat" in data["source"]
    assert data["edition"] == "Bes dei territori, edizione 10/2020"
    assert client.get("/api/v1/comparisons/indicators/10AMB017?year=3000").status_code == 422
    assert client.get("/api/v1/comparisons/indicators/NOPE").status_code == 404


@pytest.mark.usefixtures("cities")
def test_api_scorecard_and_composites(client) -> None:
    card = client.get("/api/v1/comparisons/scorecards/210").json()
    assert card["territory"] == "210" and card["peers"] == 14
    assert any(i["indicator"] == "10AMB017" and i["group"] == "10" for i in card["items"])
    composites = client.get("/api/v1/comparisons/composites").json()
    health = next(c for c in composites if c["node"] == "01")
    italy = [
        p
        for p in health["values"]
        if p["territory"] == "IT" and p["year"] == health["reference_year"]
    ]
    assert italy and italy[0]["value"] == pytest.approx(100.0)


def _specs(page: str) -> dict[str, dict]:
    import json

    specs = {}
    for chart_id in ("confronto-barre", "confronto-ranghi", "confronto-serie", "confronto-mappa"):
        script = page.split(f'id="{chart_id}-spec"')[1].split(">", 1)[1].split("</script>")[0]
        specs[chart_id] = json.loads(script)
    return specs


@pytest.mark.usefixtures("cities")
def test_a_chosen_city_keeps_its_colour_on_every_chart_of_the_comparison(client) -> None:
    page = client.get("/en/confronti/10AMB017/?confronta=210").content.decode()
    specs = _specs(page)
    series = next(
        layer["encoding"]["color"]["scale"]
        for layer in specs["confronto-serie"]["layer"]
        if "scale" in layer.get("encoding", {}).get("color", {})
    )
    series_colour = dict(zip(series["domain"], series["range"], strict=True))
    genova, torino = series_colour["Genova"], series_colour["Torino"]
    assert genova != torino
    bars = {row["territory"]: row["colour"] for row in specs["confronto-barre"]["data"]["values"]}
    bump = {row["territory"]: row["colour"] for row in specs["confronto-ranghi"]["data"]["values"]}
    for colours in (bars, bump):
        assert colours["Genova"] == genova and colours["Torino"] == torino
        others = {colour for name, colour in colours.items() if name not in ("Genova", "Torino")}
        assert others == {"#a6a6a6"}  # the cities not chosen stay grey
    outline = specs["confronto-mappa"]["layer"][-1]["transform"][1]["calculate"]
    assert f'"210": "{genova}"' in outline and f'"201": "{torino}"' in outline
    # another choice: Genova keeps its colour
    again = _specs(
        client.get("/en/confronti/10AMB017/?confronta=215&confronta=210").content.decode()
    )
    bars = {row["territory"]: row["colour"] for row in again["confronto-barre"]["data"]["values"]}
    assert bars["Genova"] == genova and bars["Milano"] not in (genova, torino, "#a6a6a6")


@pytest.mark.usefixtures("cities")
def test_home_peer_summary_and_its_queries_do_not_grow_with_indicators(client) -> None:
    """The home page's summary reads the stored ranks: the same number of queries after more
    indicators are ranked (it used to rank every indicator on every uncached request)."""
    page = client.get("/en/").content.decode()
    assert "Torino among the metropolitan cities" in page
    assert "Best ranks" in page and "/confronti/10AMB016/" in page  # 1st of 14
    before = count_queries(client, "/en/")
    ranked_indicators("NUOVO", 6)
    assert count_queries(client, "/en/") == before
    with CaptureQueriesContext(connection) as captured:
        client.get("/en/")
    reads = [q["sql"] for q in captured.captured_queries if "indicators_observation" in q["sql"]]
    assert not reads, reads  # no observation is read, whatever the number of indicators
