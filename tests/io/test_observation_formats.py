"""Every SDMX and JSON-stat layout statistics offices serve: the territory and time
dimensions found by role, by the names in use or as named by the user; monthly and
quarterly values made yearly only when asked, and how; JSON-stat 2.0 collections and the
1.x bundles of archived Eurostat and ISTAT responses (real files, tests/fixtures/indicators/
PROVENANCE.md)."""

from __future__ import annotations

import json

import pytest

from territori.io.observations import ReadOptions, period_parse, read_observations


def _read(text: str | bytes, name: str, **options: object) -> object:
    data = text.encode() if isinstance(text, str) else text
    return read_observations(data, name, indicator="IND", options=ReadOptions(**options))  # type: ignore[arg-type]


def _messages(result: object) -> list[str]:
    return [f"{e.row}|{e.field}|{e.message}" for e in result.errors]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020", (2020, "A", 1)),
        ("2020-A1", (2020, "A", 1)),
        ("2020-03", (2020, "M", 3)),
        ("2020M03", (2020, "M", 3)),
        ("2020-M3", (2020, "M", 3)),
        ("2020-Q2", (2020, "Q", 2)),
        ("2020Q4", (2020, "Q", 4)),
        ("Q1-2010", (2010, "Q", 1)),
        ("2020-S2", (2020, "S", 2)),
        ("2020-W07", (2020, "W", 7)),
        ("2020-03-01", (2020, "D", 61)),  # 2020 is a leap year
        ("2020-13", None),
        ("2020-02-30", None),
        ("20x0", None),
    ],
)
def test_periods(text: str, expected: tuple[int, str, int] | None) -> None:
    assert period_parse(text) == expected


SDMX_CSV = """DATAFLOW,FREQ,{area},SEX,TIME_PERIOD,OBS_VALUE,OBS_STATUS
IT1:X(1.0),A,001272,F,2021,10,
IT1:X(1.0),A,001272,M,2021,12,P
IT1:X(1.0),A,001001,F,2021,7,
"""


@pytest.mark.parametrize("area", ["REF_AREA", "GEO", "COUNTRY", "ITTER107", "TERRITORIO"])
def test_sdmx_csv_finds_the_territory_by_the_names_in_use(area: str) -> None:
    result = _read(SDMX_CSV.format(area=area), "data.csv")
    assert not result.errors, result.errors  # type: ignore[attr-defined]
    records = result.records  # type: ignore[attr-defined]
    assert {(r.territory, r.breakdown, r.value) for r in records} == {
        ("001272", "SEX=F", 10.0),
        ("001272", "SEX=M", 12.0),
        ("001001", "SEX=F", 7.0),
    }
    assert records[1].provisional


def test_sdmx_csv_with_a_dimension_named_by_the_user() -> None:
    text = SDMX_CSV.format(area="LUOGO")
    refused = _read(text, "data.csv")
    assert _messages(refused) == [
        "1|REF_AREA|no territory dimension among freq, luogo, sex: name it (--area-dimension)"
    ]
    named = _read(text, "data.csv", area_dimension="LUOGO")
    assert not named.errors and len(named.records) == 3  # type: ignore[attr-defined]
    wrong = _read(text, "data.csv", area_dimension="PLACE")
    assert (
        "no dimension 'PLACE' in the file (its dimensions: freq, luogo, sex)" in _messages(wrong)[0]
    )


def test_sdmx_csv_2_0_and_a_time_dimension_named_by_the_user() -> None:
    text = (
        "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,ANNO,OBS_VALUE\n"
        "dataflow,IT1:X(1.0),I,001272,2021,5\n"
        "dataflow,IT1:X(1.0),I,001272,2022,6\n"
    )
    assert "1|TIME_PERIOD|required column is missing" in _messages(_read(text, "data.csv"))
    result = _read(text, "data.csv", time_dimension="ANNO")
    assert not result.errors  # type: ignore[attr-defined]
    assert [(r.year, r.value, r.breakdown) for r in result.records] == [  # type: ignore[attr-defined]
        (2021, 5.0, ""),
        (2022, 6.0, ""),
    ]


MONTHS = "DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\n" + "".join(
    f"X,001272,2021-{month:02d},{month}\n" for month in range(1, 13)
)


def test_monthly_values_are_refused_unless_an_aggregation_is_chosen() -> None:
    refused = _read(MONTHS, "data.csv")
    assert _messages(refused)[0] == (
        "2|TIME_PERIOD|a monthly period: Territori keeps yearly values; choose how to make "
        "years of them (aggregate: mean, sum, last, or each indicator's rule)"
    )
    assert not refused.records  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("method", "value"),
    [("mean", 6.5), ("sum", 78.0), ("last", 12.0)],  # 1..12: mean 6.5, sum 78, December 12
)
def test_a_complete_year_of_months(method: str, value: float) -> None:
    result = _read(MONTHS, "data.csv", aggregate=method)
    assert not result.errors  # type: ignore[attr-defined]
    (record,) = result.records  # type: ignore[attr-defined]
    assert (record.year, record.value, record.estimated) == (2021, value, False)


def test_an_incomplete_year() -> None:
    partial = "DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\n" + "".join(
        f"X,001272,2021-Q{quarter},{quarter * 10}\n" for quarter in (1, 2, 3)
    )
    mean = _read(partial, "data.csv", aggregate="mean")
    (record,) = mean.records  # type: ignore[attr-defined]
    assert record.value == 20.0 and record.estimated  # three quarters of four: an estimate
    total = _read(partial, "data.csv", aggregate="sum")
    assert _messages(total) == [
        "2|period|a yearly sum needs every period: 3 of 4 quarterly values in 2021"
    ]


def test_each_indicator_s_own_rule() -> None:
    text = "DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\n" + "".join(
        f"X,{code},001272,2021-S{half},{value}\n"
        for code, values in (("FLOW", (3, 5)), ("RATE", (3, 5)))
        for half, value in zip((1, 2), values, strict=True)
    )
    result = _read(text, "data.csv", aggregate="rule", rules={"FLOW": "sum", "RATE": "mean"})
    values = {r.indicator: r.value for r in result.records}  # type: ignore[attr-defined]
    assert values == {"FLOW": 8.0, "RATE": 4.0}
    missing = _read(text, "data.csv", aggregate="rule", rules={"FLOW": "sum"})
    assert any("no aggregation rule for this indicator" in m for m in _messages(missing))


def test_a_year_mixing_frequencies_is_refused() -> None:
    text = "DATAFLOW,REF_AREA,TIME_PERIOD,OBS_VALUE\nX,001272,2021-01,1\nX,001272,2021-Q2,2\n"
    assert _messages(_read(text, "data.csv", aggregate="mean")) == [
        "2|period|2021 mixes monthly and quarterly values"
    ]


def test_sdmx_ml_with_every_dimension_at_the_observation() -> None:
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">
  <message:Header><message:Structure structureID="X" dimensionAtObservation="AllDimensions"/></message:Header>
  <message:DataSet>
    <Obs GEO="ITC11" SEX="F" TIME_PERIOD="2021" OBS_VALUE="5" OBS_STATUS="e"/>
    <Obs GEO="ITC11" SEX="M" TIME_PERIOD="2021" OBS_VALUE="6"/>
  </message:DataSet>
</message:StructureSpecificData>"""
    result = _read(xml, "data.xml")
    assert not result.errors, result.errors  # type: ignore[attr-defined]
    assert [(r.territory, r.breakdown, r.value, r.estimated) for r in result.records] == [  # type: ignore[attr-defined]
        ("ITC11", "SEX=F", 5.0, True),
        ("ITC11", "SEX=M", 6.0, False),
    ]


def test_sdmx_ml_time_at_the_observation_by_its_own_name() -> None:
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<message:StructureSpecificData xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message">
  <message:Header><message:Structure structureID="X" dimensionAtObservation="ANNO"/></message:Header>
  <message:DataSet>
    <Series TERRITORIO="001272"><Obs ANNO="2020" OBS_VALUE="1"/><Obs ANNO="2021" OBS_VALUE="2"/></Series>
  </message:DataSet>
</message:StructureSpecificData>"""
    result = _read(xml, "data.xml")
    assert not result.errors, result.errors  # type: ignore[attr-defined]
    assert [(r.territory, r.year) for r in result.records] == [  # type: ignore[attr-defined]
        ("001272", 2020),
        ("001272", 2021),
    ]


def _dataset(values: list[float | None], status: object = None) -> dict[str, object]:
    dataset: dict[str, object] = {
        "version": "2.0",
        "class": "dataset",
        "id": ["geo", "time"],
        "size": [1, len(values)],
        "role": {"geo": ["geo"], "time": ["time"]},
        "dimension": {
            "geo": {"category": {"index": {"IT": 0}}},
            "time": {
                "category": {"index": {str(2020 + i): i for i in range(len(values))}},
            },
        },
        "value": values,
    }
    if status is not None:
        dataset["status"] = status
    return dataset


def test_json_stat_2_collection_with_embedded_datasets() -> None:
    collection = {
        "version": "2.0",
        "class": "collection",
        "link": {"item": [_dataset([1.0, 2.0], {"1": "p"}), _dataset([3.0])]},
    }
    result = _read(json.dumps(collection), "data.json")
    assert not result.errors, result.errors  # type: ignore[attr-defined]
    records = result.records  # type: ignore[attr-defined]
    assert [(r.year, r.value, r.provisional) for r in records] == [
        (2020, 1.0, False),
        (2021, 2.0, True),
        (2020, 3.0, False),
    ]
    assert [r.row for r in records] == [1, 2, 3]  # rows counted across the datasets
    linked = {"version": "2.0", "class": "collection", "link": {"item": [{"href": "https://x"}]}}
    assert (
        "collection item 1 is a link (https://x), not an embedded dataset"
        in _messages(_read(json.dumps(linked), "data.json"))[0]
    )


def test_an_unsupported_json_stat_version_says_which_it_saw() -> None:
    future = {**_dataset([1.0]), "version": "3.0"}
    assert _messages(_read(json.dumps(future), "data.json")) == [
        "0|class|JSON-stat version 3.0 is not supported: this reader takes 1.x bundles and "
        "2.0 datasets and collections"
    ]


def test_an_archived_eurostat_json_stat_1_bundle(fixture_bytes) -> None:
    data = fixture_bytes("indicators", "eurostat-jsonstat1-nama_gdp_c-IT-FR.json")
    result = read_observations(data, "nama_gdp_c.json", indicator="GDP_HAB")
    assert result.file_format == "json-stat" and not result.errors, result.errors
    by_key = {(r.territory, r.year): r.value for r in result.records}
    assert {territory for territory, _year in by_key} == {"FR", "IT"}
    # values as the response gives them; ":" (not available) cells hold no value
    document = json.loads(data)["nama_gdp_c"]
    italy_1995 = document["value"][69 + (1995 - 1946)]
    assert by_key[("IT", 1995)] == italy_1995
    assert ("IT", 1946) not in by_key


def test_an_archived_istat_quarterly_json_stat_1_bundle(fixture_bytes) -> None:
    data = fixture_bytes("indicators", "istat-jsonstat1-DCSP_IPAB.json")
    refused = read_observations(data, "ipab.json", indicator="IPAB")
    # it covers Italy without a territory dimension: the reader says what it found
    assert refused.errors[0].message == (
        "no territory dimension among IDMISURA1, IDTYPPURCH, IDTIME: name it (--area-dimension)"
    )
    # the measure is a dimension of the file: named as the territory it shows how the time
    # labels (Q1-2010 ...) are read and made yearly
    result = read_observations(
        data,
        "ipab.json",
        indicator="IPAB",
        options=ReadOptions(area_dimension="IDMISURA1", aggregate="mean"),
    )
    assert not result.errors, result.errors
    index_all_items = {
        r.year: r.value
        for r in result.records
        if r.territory == "4" and r.breakdown == "IDTYPPURCH=4"
    }
    # 2010: Q1-Q4 = 99.5, 100, 100.3, 100.2 → 100.0; 2015 has three quarters: estimated
    assert index_all_items[2010] == pytest.approx((99.5 + 100 + 100.3 + 100.2) / 4)
    estimated = {r.year for r in result.records if r.territory == "4" and r.estimated}
    assert 2015 in estimated and 2010 not in estimated
