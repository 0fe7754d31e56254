"""The API's lists filter through the same selectors as the pages: the same filters give the
same rows, and an unknown choice is a 422. The rows are built here (factories)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from territori.atlas.models import Network, Place, Project
from territori.core.models import DataStatus
from territori.indicators.selectors import (
    CatalogueFilters,
    ObservationFilters,
    indicator_catalogue,
    indicator_observations,
)
from tests.factories import (
    IndicatorFactory,
    NetworkFactory,
    ObservationFactory,
    ProjectFactory,
    TerritoryFactory,
)

pytestmark = pytest.mark.django_db


def codes(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def test_projects_by_comune_origin_and_status_as_on_the_atlas_page(client: Client) -> None:
    comune = TerritoryFactory(code="T90001")
    here = ProjectFactory(code="prova-qui", origin=Project.Origin.OWN, status="in_progress")
    also = ProjectFactory(code="prova-anche", origin=Project.Origin.OWN, status="completed")
    ProjectFactory(code="prova-altrove", origin=Project.Origin.OWN)
    for project in (here, also):
        Place.objects.create(project=project, territory=comune, share=1.0)
    assert codes(client, "/api/v1/atlas/projects?comune=T90001&limit=100") == [
        "prova-anche",
        "prova-qui",
    ]
    assert codes(client, "/api/v1/atlas/projects?comune=T90001&status=completed") == ["prova-anche"]
    page = client.get("/atlante/?comune=T90001").content.decode()
    assert "prova-qui" in page and "prova-anche" in page and "prova-altrove" not in page
    for wrong in ("origin=gift", "status=lost"):
        assert client.get(f"/api/v1/atlas/projects?{wrong}").status_code == 422


def test_networks_by_kind(client: Client) -> None:
    NetworkFactory(code="rete-gal-prova", kind=Network.Kind.GAL)
    NetworkFactory(code="rete-partenariato-prova", kind=Network.Kind.PARTNERSHIP)
    listed = codes(client, "/api/v1/atlas/networks?kind=gal&limit=1000")
    assert "rete-gal-prova" in listed and "rete-partenariato-prova" not in listed
    assert set(listed) == set(Network.objects.filter(kind="gal").values_list("code", flat=True))
    assert client.get("/api/v1/atlas/networks?kind=club").status_code == 422


def test_indicators_with_the_catalogue_filters(client: Client) -> None:
    territory = TerritoryFactory(code="T90002", kind="zona", number=99)
    real = IndicatorFactory(
        code="prova-zebra-vera", name_it="Zebre per ettaro (prova)", status=DataStatus.CONFIRMED
    )
    IndicatorFactory(
        code="prova-zebra-finta",
        name_it="Zebre finte (prova)",
        status=DataStatus.ILLUSTRATIVE,
    )
    ObservationFactory(indicator=real, territory=territory)
    api = [row["code"] for row in client.get("/api/v1/indicators/?q=zebr").json()["items"]]
    page = [
        entry.indicator.code
        for entry in indicator_catalogue(filters=CatalogueFilters(query="zebr")).entries
    ]
    assert api == page
    assert sorted(api) == ["prova-zebra-finta", "prova-zebra-vera"]
    assert [
        r["code"] for r in client.get("/api/v1/indicators/?q=zebr&status=real").json()["items"]
    ] == ["prova-zebra-vera"]
    assert [
        r["code"] for r in client.get("/api/v1/indicators/?q=zebr&level=zona").json()["items"]
    ] == ["prova-zebra-vera"]
    assert "prova-zebra-vera" in client.get("/indicatori/?q=zebr&livello=zona").content.decode()
    assert client.get("/api/v1/indicators/?status=maybe").status_code == 422


def test_observations_with_the_download_filters(client: Client) -> None:
    indicator = IndicatorFactory(code="prova-oss")
    first, second = TerritoryFactory(code="T90003"), TerritoryFactory(code="T90004")
    for territory in (first, second):
        for year in (2019, 2020, 2021):
            ObservationFactory(indicator=indicator, territory=territory, year=year, value=year)
    api = client.get(
        "/api/v1/indicators/observations?indicator=prova-oss&territory=T90003&year_from=2020"
    ).json()["items"]
    assert [(row["territory"], row["year"]) for row in api] == [("T90003", 2020), ("T90003", 2021)]
    download = indicator_observations(
        filters=ObservationFilters(indicator="prova-oss", territories=("T90003",), year_from=2020)
    )
    assert [(o.territory.code, o.year) for o in download] == [
        (row["territory"], row["year"]) for row in api
    ]
    csv = client.get("/indicatori/prova-oss/dati.csv?territori=T90004&anno=2019")
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and ",T90004," in lines[1] and ",2019," in lines[1]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/atlas/projects?status=completed",
        "/api/v1/atlas/networks?kind=gal",
        "/api/v1/indicators/?status=real",
    ],
)
def test_filtered_lists_make_as_many_queries_with_more_rows(client: Client, url: str) -> None:
    from tests.conftest import assert_same_queries

    def grow() -> Any:
        for n in range(3):
            ProjectFactory(status="completed")
            NetworkFactory(kind=Network.Kind.GAL)
            IndicatorFactory(code=f"prova-crescita-{n}")

    assert_same_queries(client, url, grow)
