"""Projects from OpenCoesione and ReGiS files in their published layouts: good and broken."""

from __future__ import annotations

from decimal import Decimal

import pytest

from territori.atlas.models import Funding, Place, Project
from territori.atlas.projects import opencoesione_import, regis_import
from territori.core.models import AuditEntry
from tests.factories import home_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _comuni() -> None:
    """The comuni the project files name (not Alba, which the files name too: outside)."""
    home_tree(comuni={"001272": "Torino", "001191": "Pinerolo"})


def oc(fixture_bytes, name: str = "opencoesione-progetti.csv"):
    return opencoesione_import(data=fixture_bytes("projects", name), filename=name)


def regis(fixture_bytes, places: str = "Z__Localizzazione.csv"):
    return regis_import(
        projects=fixture_bytes("projects", "Z__Progetti.csv"),
        projects_name="Z__Progetti.csv",
        places=fixture_bytes("projects", places),
        places_name=places,
    )


def test_opencoesione_projects_with_places_funding_and_status(fixture_bytes) -> None:
    report = oc(fixture_bytes)
    assert report.errors == [] and (report.created, report.outside) == (2, 1)  # Alba is outside
    school = Project.objects.get(code="oc-1pifesr-esempio-001")
    assert (school.cup, school.status, school.origin) == (
        "J11B21000000001",
        "in_progress",
        "opencoesione",
    )
    assert school.total_funding == Decimal("200000.00") and school.payments == Decimal("90000.25")
    assert Funding.objects.get(project=school, source="eu").amount == Decimal("120000.50")
    assert str(school.planned_start) == "2022-03-01"
    two = Project.objects.get(code="oc-1pifesr-esempio-002")
    shares = dict(Place.objects.filter(project=two).values_list("territory__code", "share"))
    assert shares == {"001272": 0.5, "001191": 0.5} and two.status == "completed"
    entries = AuditEntry.objects.count()
    again = oc(fixture_bytes)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.count() == entries


def test_broken_opencoesione_file_names_rows_and_columns(fixture_bytes) -> None:
    before = Project.objects.count()
    report = oc(fixture_bytes, "opencoesione-rotto.csv")
    found = {(e.row, e.field.split(": ")[1]) for e in report.errors}
    assert {
        (2, "CUP"),
        (2, "FINANZ_UE"),
        (2, "TOT_PAGAMENTI"),
        (2, "OC_DATA_INIZIO_PROGETTO"),
        (3, "COD_LOCALE_PROGETTO"),
        (4, "COD_LOCALE_PROGETTO"),
    } <= found
    text = "\n".join(map(str, report.errors))
    assert (
        "row 2, field 'opencoesione-rotto.csv: FINANZ_UE': larger than FINANZ_TOTALE_PUBBLICO"
        in text
    )
    assert "duplicate (also row 2)" in text
    assert Project.objects.count() == before
    missing = opencoesione_import(data=b"CUP;OC_TITOLO_PROGETTO\nX;Y\n", filename="x.csv")
    assert {e.field for e in missing.errors} == {
        "x.csv: COD_LOCALE_PROGETTO",
        "x.csv: COD_COMUNE",
        "x.csv: FINANZ_TOTALE_PUBBLICO",
    }


def test_regis_progetti_joined_with_localizzazione(fixture_bytes) -> None:
    report = regis(fixture_bytes)
    assert report.errors == [] and report.created == 2
    urban = Project.objects.get(code="pnrr-j11b22000000011")
    assert (urban.pnrr_mission, urban.pnrr_component, urban.pnrr_measure) == (
        "M5",
        "C2",
        "M5C2I2.1",
    )
    shares = dict(Place.objects.filter(project=urban).values_list("territory__code", "share"))
    assert shares == pytest.approx({"001272": 0.6, "001191": 0.4})
    assert Funding.objects.get(project=urban, source="pnrr").amount == Decimal(500000)
    assert regis(fixture_bytes).unchanged == 2


def test_regis_shares_must_add_up_and_every_project_needs_a_place(fixture_bytes) -> None:
    before = Project.objects.count()
    report = regis(fixture_bytes, "Z__Localizzazione-rotta.csv")
    assert any("add up to 110.0 %, not 100 %" in str(e) and e.row == 3 for e in report.errors)
    assert Project.objects.count() == before
    alone = regis_import(
        projects=fixture_bytes("projects", "Z__Progetti.csv"),
        projects_name="Z__Progetti.csv",
        places=b"CUP;Codice Comune\nJ11B22000000010;001272\n",
        places_name="Z__Localizzazione.csv",
    )
    assert [str(e) for e in alone.errors] == [
        "row 3, field 'Z__Progetti.csv: CUP': no place in Z__Localizzazione.csv (value: 'J11B22000000011')"
    ]


def test_import_projects_command(fixture_bytes, tmp_path) -> None:
    import io

    from django.core.management import CommandError, call_command

    progetti, luoghi = tmp_path / "Z__Progetti.csv", tmp_path / "Z__Localizzazione.csv"
    progetti.write_bytes(fixture_bytes("projects", "Z__Progetti.csv"))
    luoghi.write_bytes(fixture_bytes("projects", "Z__Localizzazione-rotta.csv"))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_projects", "--regis", str(progetti), str(luoghi))
    luoghi.write_bytes(fixture_bytes("projects", "Z__Localizzazione.csv"))
    out = io.StringIO()
    call_command("import_projects", "--regis", str(progetti), str(luoghi), stdout=out)
    assert "projects: 2 created" in out.getvalue()
