"""ISTAT wide tables and Eurostat bulk TSV, on the real files and on broken copies."""

from __future__ import annotations

import gzip
from typing import Any

import pytest

from territori.io.observations import detect_format, read_observations
from territori.io.wide import istat_wide_indicators

BES = ("istat-bes-territori-2020", "indicatori_per_provincia_sesso.csv")
BES_META = ("istat-bes-territori-2020", "metadati_bes_territori.csv")
POPULATION = ("eurostat-nuts3-italy", "demo_r_pjanaggr3_IT.tsv")
GDP = ("eurostat-nuts3-italy", "nama_10r_3gdp_IT.tsv")


def test_bes_file_reads_whole_with_sex_as_breakdown(real_file: Any) -> None:
    # given ISTAT's Bes dei territori 2020 data sheet as published
    data = real_file(*BES)
    # when
    result = read_observations(data, "Indicatori_per_provincia_sesso.csv")
    # then: no problem; numbers with decimal commas; ISTAT's "...." is a missing value
    assert result.file_format == "istat-wide" and result.errors == []
    torino = {
        (r.year, r.breakdown): r.value
        for r in result.records
        if r.indicator == "10AMB017" and r.territory == "Torino"
    }
    assert torino[(2018, "")] == 56.9 and torino[(2004, "")] == 31.1
    assert not any(r.indicator == "10AMB017" and r.year == 2019 for r in result.records)
    life = {r.breakdown for r in result.records if r.indicator == "01SAL001"}
    assert life == {"", "sex=M", "sex=F"}
    assert len({r.territory for r in result.records}) == 135


def test_bes_metadata_describes_every_indicator(real_file: Any) -> None:
    found = istat_wide_indicators(
        real_file(*BES), "bes.csv", metadata=real_file(*BES_META), metadata_name="meta.csv"
    )
    assert found.errors == [] and found.warnings == []
    assert len(found.indicators) == 55
    waste = next(i for i in found.indicators if i.code == "10AMB017")
    assert waste.domain == "Ambiente" and waste.unit == "valori percentuali"
    assert waste.definition.startswith("Percentuale di rifiuti urbani oggetto di raccolta")
    assert waste.kind == "Bes" and waste.source.startswith("Ispra")


def test_broken_bes_copies_name_row_and_field(real_file: Any) -> None:
    data = real_file(*BES).decode("utf-8-sig")
    lines = data.splitlines()
    # a value that is not a number, on the second data line
    lines[2] = lines[2].replace('"80,9"', '"ottanta"', 1)
    result = read_observations("\n".join(lines).encode(), "bes.csv")
    assert any(
        e.row == 3 and e.message == "not a number" and e.value == "ottanta" for e in result.errors
    )
    # an unknown sex
    broken = data.replace(",Maschi,Piemonte,", ",Uomini,Piemonte,", 1)
    result = read_observations(broken.encode(), "bes.csv")
    assert [(e.row, e.field) for e in result.errors] == [(2, "SESSO")]
    # no year columns at all
    header_only = "DOMINIO,CODICE,INDICATORE,SESSO,TERRITORIO,V_ANNO\nx,y,z,Totale,Torino,1\n"
    result = read_observations(header_only.encode(), "bes.csv", file_format="istat-wide")
    assert result.errors and result.errors[0].field == "V_YYYY"


def test_metadata_without_a_row_warns_by_name(real_file: Any) -> None:
    meta = real_file(*BES_META).decode("utf-8").replace("Raccolta differenziata", "Raccolta")
    found = istat_wide_indicators(real_file(*BES), "bes.csv", metadata=meta.encode())
    assert [w.value for w in found.warnings] == ["Raccolta differenziata dei rifiuti urbani"]


def test_eurostat_population_keeps_flags_and_breakdowns(real_file: Any) -> None:
    data = real_file(*POPULATION)
    assert detect_format(data, "demo_r_pjanaggr3_IT.tsv") == "eurostat-tsv"
    result = read_observations(data, "demo_r_pjanaggr3_IT.tsv")
    assert result.errors == []
    torino = {
        (r.year, r.breakdown): r
        for r in result.records
        if r.territory == "ITC11" and r.indicator == "demo_r_pjanaggr3_IT"
    }
    assert torino[(2022, "age=TOTAL|sex=T")].value == 2208370  # as PROVENANCE.md checks
    breaks = [r for r in result.records if r.break_in_series]
    assert breaks and all(not r.provisional for r in breaks)
    # ":" is not available: never an observation
    assert not any(r.territory == "ITC" and r.year == 1999 for r in result.records)


def test_eurostat_gdp_single_unit_breakdowns(real_file: Any) -> None:
    result = read_observations(real_file(*GDP), "nama_10r_3gdp_IT.tsv", indicator="GDP")
    assert result.errors == []
    units = {r.breakdown for r in result.records}
    assert "unit=EUR_HAB" in units and all(r.indicator == "GDP" for r in result.records)


def test_broken_eurostat_copies(real_file: Any) -> None:
    lines = real_file(*GDP).decode().splitlines()
    bad_value = lines.copy()
    bad_value[1] = bad_value[1].replace("30100 ", "30x00 ", 1)
    result = read_observations("\n".join(bad_value).encode(), "gdp.tsv")
    assert [(e.row, e.field, e.value) for e in result.errors] == [(2, "2021", "30x00")]
    short_key = lines.copy()
    short_key[2] = short_key[2].replace("EUR_HAB,ITC", "ITC", 1)
    result = read_observations("\n".join(short_key).encode(), "gdp.tsv")
    assert [(e.row, e.field) for e in result.errors] == [(3, "key")]
    no_geo = b"unit,time\\geo\t2021\nEUR_HAB\t1\n"
    result = read_observations(no_geo, "x.tsv", file_format="eurostat-tsv")
    assert result.errors[0].field == "header"
    result = read_observations(gzip.compress(b"x"), "x.tsv", file_format="eurostat-tsv")
    assert result.errors[0].field == "encoding"


SDG = ("istat-sdg-measures-2022", "statistical_measures_territory_subset.csv")


def test_istat_sdg_measures_real_file(real_file: Any) -> None:
    data = real_file(*SDG)
    assert detect_format(data, "statistical_measures.csv") == "istat-sdg"
    result = read_observations(data, "statistical_measures.csv")
    torino = {
        r.year: r.value
        for r in result.records
        if r.indicator == "SDG-27" and r.territory == "Torino"
    }
    assert torino[2015] == 4.0
    # "4,9  (a)": the note mark is dropped, the value kept
    assert any(r.value == 4.9 for r in result.records)
    # the file itself lists SDG-30 twice for Torino in 2018 with different values (two
    # surveys): reported by row, never one of them chosen silently
    assert result.errors
    assert {e.value for e in result.errors if e.row == 2784} == {"286"}
    assert all("differs from row" in e.message for e in result.errors)


def test_istat_sdg_broken_copy(real_file: Any) -> None:
    lines = real_file(*SDG).decode().splitlines()
    lines[1] = lines[1].replace('"8,9"', '"otto"', 1)
    result = read_observations("\n".join(lines[:3]).encode(), "sdg.csv")
    assert [(e.row, e.field, e.value) for e in result.errors] == [(2, "2004", "otto")]


@pytest.mark.slow
def test_the_original_istat_workbooks_read_like_the_csv(real_file: Any) -> None:
    """ISTAT's own zip: the Excel data sheet and the metadata workbook give the same."""
    import io
    import zipfile

    archive = zipfile.ZipFile(
        io.BytesIO(real_file("istat-bes-territori-2020", "Bes_dei_territori_edizione_102020.zip"))
    )
    data = archive.read("Bes/Indicatori_per_provincia_sesso.xlsx")
    metadata = archive.read("Bes/Metadati Bes dei territori.xlsx")
    from_excel = read_observations(data, "Indicatori.xlsx", file_format="istat-wide")
    from_csv = read_observations(real_file(*BES), "bes.csv")
    assert from_excel.errors == [] and len(from_excel.records) == len(from_csv.records)
    assert {
        (r.indicator, r.territory, r.year, r.breakdown, r.value) for r in from_excel.records
    } == {(r.indicator, r.territory, r.year, r.breakdown, r.value) for r in from_csv.records}
    found = istat_wide_indicators(data, "i.xlsx", metadata=metadata, metadata_name="m.xlsx")
    assert len(found.indicators) == 55 and found.warnings == []
