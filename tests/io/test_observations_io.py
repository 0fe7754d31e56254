"""Readers of indicator data, on good and broken files of every format."""

from __future__ import annotations

import pytest

from territori.io.observations import detect_format, read_observations, tidy_template
from territori.io.tabular import read_xlsx, write_xlsx


def test_tidy_csv_takes_the_indicator_from_the_file_name(fixture_bytes) -> None:
    result = read_observations(
        fixture_bytes("indicators", "indicator_UBB.csv"), "indicator_UBB.csv"
    )
    assert result.file_format == "tidy"
    assert not result.errors
    assert len(result.records) == 5  # the empty value is a missing observation, not a row
    first, female = result.records[0], result.records[2]
    assert (first.indicator, first.territory, first.year, first.value) == (
        "UBB",
        "001272",
        2025,
        61.5,
    )
    assert female.breakdown == "sex=F"
    assert result.records[1].provisional and not result.records[1].estimated
    assert result.records[4].estimated


def test_tidy_broken_file_lists_every_problem(fixture_bytes) -> None:
    result = read_observations(
        fixture_bytes("indicators", "tidy-broken.csv"), "tidy-broken.csv", indicator="UBB"
    )
    problems = {(e.row, e.field) for e in result.errors}
    assert (3, "Year") in problems
    assert (5, "Value") in problems
    assert "not a number" in str(next(e for e in result.errors if e.row == 5))


def test_tidy_excel_template_round_trip() -> None:
    template = tidy_template(example_territory="210")
    rows = list(read_xlsx(template))
    assert [r.values["year"] for r in rows] == ["2023", "2023"]
    assert {r.values["geocode"] for r in rows} == {"210"}
    sheet = write_xlsx(
        {"dati": [["Year", "Indicator", "GeoCode", "Value"], [2024, "UBB", "201", 50.5]]}
    )
    result = read_observations(sheet, "rd.xlsx")
    assert not result.errors
    assert result.records[0].value == 50.5 and result.records[0].row == 2


def test_sdmx_csv(fixture_bytes) -> None:
    data = fixture_bytes("indicators", "sdmx.csv")
    assert detect_format(data, "sdmx.csv") == "sdmx-csv"
    result = read_observations(data, "sdmx.csv", indicator="POP")
    assert not result.errors
    assert [(r.territory, r.year, r.value) for r in result.records] == [
        ("001272", 2024, 841600.0),
        ("ITC11", 2024, 2198237.0),
        ("001272", 2025, 840000.0),
    ]
    assert result.records[0].breakdown == ""  # single-valued dimensions are dropped
    assert result.records[1].provisional and result.records[2].estimated


def test_sdmx_csv_without_columns() -> None:
    result = read_observations(b"DATAFLOW,REF_AREA,OBS_VALUE\nX,IT,1\n", "x.csv", indicator="POP")
    assert [(e.row, e.field) for e in result.errors] == [(1, "TIME_PERIOD")]


def test_sdmx_ml_generic_and_structure_specific(fixture_bytes) -> None:
    generic = read_observations(
        fixture_bytes("indicators", "sdmx-generic.xml"), "g.xml", indicator="POP_M"
    )
    assert not generic.errors
    assert [(r.breakdown, r.year, r.value) for r in generic.records] == [
        ("SEX=1", 2024, 400000.0),
        ("SEX=1", 2025, 399000.0),
        ("SEX=2", 2024, 441600.0),
    ]
    assert generic.records[1].provisional
    specific = read_observations(
        fixture_bytes("indicators", "sdmx-structure-specific.xml"), "s.xml", indicator="POP"
    )
    assert not specific.errors
    assert [(r.territory, r.year) for r in specific.records] == [
        ("ITC11", 2024),
        ("ITC11", 2025),
        ("ITC1", 2025),
    ]
    broken = read_observations(fixture_bytes("indicators", "broken.xml"), "broken.xml")
    assert broken.errors[0].field == "file" and "not a readable SDMX-ML" in broken.errors[0].message


def test_json_stat(fixture_bytes) -> None:
    result = read_observations(
        fixture_bytes("indicators", "eurostat.json"), "e.json", indicator="ELET"
    )
    assert not result.errors
    got = {(r.territory, r.year): (r.value, r.provisional) for r in result.records}
    # the value array runs geo-major, time-minor; position 4 (ITC11 2025) is missing
    assert got == {
        ("IT", 2025): (9.8, False),
        ("IT", 2026): (9.1, True),
        ("ITC1", 2025): (8.9, False),
        ("ITC1", 2026): (8.5, False),
        ("ITC11", 2026): (8.1, False),
    }
    broken = read_observations(fixture_bytes("indicators", "broken.json"), "broken.json")
    assert broken.errors and broken.errors[0].row == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"Year,GeoCode,Value\n2024,201,1\n", "no indicator code"),
        (b"Year,Value\n2024,1\n", "required column is missing"),
        (b"Year,GeoCode,Value\n2024-03,201,1\n", "a monthly period: Territori keeps yearly"),
        (b"Year,GeoCode,Value\n2024-13,201,1\n", "not a year (YYYY) nor a period"),
    ],
)
def test_tidy_problems(text: bytes, message: str) -> None:
    result = read_observations(text, "data.csv")
    assert any(message in str(e) for e in result.errors), result.errors
