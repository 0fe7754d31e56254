"""The PNRR importers on the files Italia Domani publishes, and on broken copies of them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from territori.atlas.models import Organisation, Project
from territori.atlas.projects import regis_import
from territori.io.projects import read_regis

PNRR = "pnrr-italiadomani-2023-torino"

pytestmark = pytest.mark.django_db


def _validated(real_file: Any) -> tuple[bytes, bytes]:
    return (
        real_file(PNRR, "regis_progetti_validati_2023-02_TO.csv"),
        real_file(PNRR, "regis_localizzazioni_validate_2023-02_TO.csv"),
    )


def test_validated_projects_with_several_places_and_lost_zeros(real_file: Any) -> None:
    projects, places = _validated(real_file)
    records, errors = read_regis(projects, "progetti.csv", places, "localizzazioni.csv")
    assert errors == []
    assert len(records) == 1995  # 2,001 rows, 6 CUPs in two yearly tranches
    multi = [r for r in records if len(r.places) > 1]
    assert len(multi) == 61
    assert all(abs(sum(r.places.values()) - 1) < 1e-9 for r in multi)
    # "Codice Provincia" 1 and "Codice Comune" 312 are 001312 (Vistrorio)
    assert any("001312" in r.places for r in records)
    assert all(len(code) == 6 and code.startswith("001") for r in records for code in r.places)
    cloud = next(r for r in records if r.cup == "C81F22003040001")
    assert cloud.implementing_body_code == "01560470013"  # 1560470013 padded
    assert cloud.funding == {"pnrr": Decimal("47427.0")}


def test_first_publication_italian_numbers_bom_and_na(real_file: Any) -> None:
    records, errors = read_regis(
        real_file(PNRR, "PNRR_Progetti_TO.csv"),
        "PNRR_Progetti_TO.csv",
        real_file(PNRR, "PNRR_Localizzazione_TO.csv"),
        "PNRR_Localizzazione_TO.csv",
    )
    assert errors == []
    assert len(records) == 187
    first = next(r for r in records if r.cup == "E11B21009930006")
    # "40.000" in a ;-separated Italian file is forty thousand; "N/D" is not available
    assert first.total_funding == Decimal(40000) and first.funding == {"pnrr": Decimal(40000)}
    assert first.places == {"001272": 1.0} and first.pnrr_measure == "M1C2I5.1"


def test_import_is_idempotent_and_creates_implementing_bodies(
    real_file: Any, frameworks: Any
) -> None:
    projects, places = _validated(real_file)

    def load() -> Any:
        return regis_import(
            projects=projects,
            projects_name="regis_progetti_validati_2023-02_TO.csv",
            places=places,
            places_name="regis_localizzazioni_validate_2023-02_TO.csv",
        )

    # the world holds 11 of the 312 comuni: the projects located only elsewhere are counted
    first = load()
    assert first.errors == [] and first.created > 0 and first.outside > 0
    assert first.created + first.outside == 1995
    assert Project.objects.count() == first.created
    # the same files again: nothing changes
    second = load()
    assert second.errors == [] and (second.created, second.updated) == (0, 0)
    assert (second.unchanged, second.outside) == (first.created, first.outside)
    university = Organisation.objects.get(fiscal_code="02099550010")  # 2099550010 padded
    assert university.kind == "university"
    assert Project.objects.filter(implementing_body=university).count() > 10


def _replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.mark.parametrize(
    ("broken", "row", "column", "message"),
    [
        (b"47427.0,0.0,0.0,47427.0", 2, "Finanziamento PNRR", "not a finite amount"),
        (b"47427.0,0.0,0.0,47427.0", 2, "Finanziamento PNRR", "too large"),
        (b"47427.0,0.0,0.0,47427.0", 2, "Finanziamento PNRR", "not an amount"),
        (b"C81F22003040001", 2, "CUP", "not a CUP"),
    ],
)
def test_broken_copies_name_file_row_and_column(
    real_file: Any, broken: bytes, row: int, column: str, message: str
) -> None:
    projects, places = _validated(real_file)
    replacement = {
        "not a finite amount": b"Infinity,0.0,0.0,47427.0",
        "too large": b"1e308,0.0,0.0,47427.0",
        "not an amount": b"quaranta,0.0,0.0,47427.0",
        "not a CUP": b"C81F2200304000!",
    }[message]
    before = Project.objects.count()
    report = regis_import(
        projects=_replace_once(projects, broken, replacement),
        projects_name="progetti.csv",
        places=places,
        places_name="localizzazioni.csv",
    )
    assert any(
        e.row == row and e.field == f"progetti.csv: {column}" and message in e.message
        for e in report.errors
    ), report.errors[:5]
    assert Project.objects.count() == before


def test_a_missing_column_and_an_unknown_place_are_reported(real_file: Any) -> None:
    projects, places = _validated(real_file)
    no_cup = _replace_once(
        places,
        b"Codice Univoco Submisura,Descrizione Submisura,CUP,",
        b"Codice Univoco Submisura,Descrizione Submisura,CUPS,",
    )
    report = regis_import(
        projects=projects, projects_name="p.csv", places=no_cup, places_name="l.csv"
    )
    assert [(e.row, e.field) for e in report.errors] == [(1, "l.csv: CUP")]
    truncated = b"\n".join(places.split(b"\n")[:100])
    report = regis_import(
        projects=projects, projects_name="p.csv", places=truncated, places_name="l.csv"
    )
    assert report.errors and all("no place in l.csv" in e.message for e in report.errors)
