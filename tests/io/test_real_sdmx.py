"""The SDMX readers and the Eurostat import on real responses (shared/data/real)."""

from __future__ import annotations

from typing import Any

import pytest

from territori.indicators.models import Indicator, Observation
from territori.indicators.services import indicators_upsert, observations_import
from territori.io.observations import read_observations

RESPONSES = "istat-sdmx-responses"


def test_istat_sdmx_csv_response_reads_by_header_names(real_file: Any) -> None:
    palermo = read_observations(
        real_file(RESPONSES, "esempi_filtro_esempio02.csv"), "risposta.csv", indicator="KILLINJ"
    )
    bari = read_observations(
        real_file(RESPONSES, "esempi_filtro_esempio03.csv"), "risposta.csv", indicator="KILLINJ"
    )
    assert palermo.file_format == "sdmx-csv" and palermo.errors == [] and bari.errors == []
    assert {r.territory for r in palermo.records} == {"082053"}
    years = {r.year: r.value for r in palermo.records}
    assert min(years) == 2001 and max(years) == 2018 and years[2001] == 3764
    # the second response asked for Bari and Palermo
    assert {r.territory for r in bari.records} == {"072006", "082053"}
    assert sum(r.territory == "072006" for r in bari.records) == 18


def test_a_structure_message_is_not_data(real_file: Any) -> None:
    result = read_observations(
        real_file(RESPONSES, "esempi_DCIS_INCIDMORFER_COM.xml"), "struttura.xml"
    )
    assert [e.field for e in result.errors] == ["file"]
    assert "not an SDMX-ML data message" in result.errors[0].message


def test_broken_sdmx_csv_copy(real_file: Any) -> None:
    lines = real_file(RESPONSES, "esempi_filtro_esempio02.csv").decode().splitlines()
    lines[2] = lines[2].replace(",2002,", ",duemiladue,")
    lines[3] = lines[3].replace(",3", ",x3", 1)
    result = read_observations("\n".join(lines).encode(), "r.csv", indicator="KILLINJ")
    assert [(e.row, e.field) for e in result.errors] == [(3, "TIME_PERIOD"), (4, "OBS_VALUE")]


@pytest.mark.django_db
def test_eurostat_gdp_imports_by_nuts_2021_code(real_file: Any, italy: None) -> None:
    # given an indicator for GDP per inhabitant and Eurostat's NUTS 3 table
    indicators_upsert(
        items=[{"code": "PIL_AB", "name_it": "PIL per abitante", "unit": "euro", "polarity": 1}]
    )
    lines = real_file("eurostat-nuts3-italy", "nama_10r_3gdp_IT.tsv").decode().splitlines()
    per_head = "\n".join([lines[0], *(line for line in lines[1:] if line.startswith("EUR_HAB,"))])
    # when it is imported, leaving out the areas that are not territories here
    outcome = observations_import(
        data=per_head.encode(),
        filename="nama_10r_3gdp.tsv",
        indicator="PIL_AB",
        skip_unknown_territories=True,
        refresh=False,
    )
    # then every province and metropolitan city has its values, Milano by its 2021 code
    assert outcome.errors == []
    # skipped, and listed: the NUTS 1 macro-areas, and Bolzano and Trento at NUTS 2 (their
    # NUTS 3 rows, the same figures, are the provinces'); the regions (ITC4...) are imported
    assert set(outcome.skipped_territories) == {"ITC", "ITF", "ITG", "ITH", "ITI", "ITH1", "ITH2"}
    milano = Observation.objects.get(
        indicator__code="PIL_AB", territory__code="215", year=2020, breakdown=""
    )
    torino = Observation.objects.get(
        indicator__code="PIL_AB", territory__code="201", year=2020, breakdown=""
    )
    assert milano.value == 53000 and torino.value > 0
    assert (
        Indicator.objects.get(code="PIL_AB")
        .observations.filter(territory__kind="metro_city")
        .values("territory")
        .distinct()
        .count()
        == 14
    )
