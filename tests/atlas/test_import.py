"""Importing organisations, networks and memberships: all or nothing, idempotent, every
problem named by sheet, row and column."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from territori.atlas.models import Membership, Network, NetworkArea, Organisation
from territori.atlas.services import atlas_import
from territori.core.models import AuditEntry
from tests.factories import FrameworkFactory, NodeFactory, home_tree

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site() -> None:
    """The comuni, the agenda's Missions and the plan's strategies the atlas files name."""
    home_tree(comuni={"001272": "Torino", "001191": "Pinerolo"})
    agenda = FrameworkFactory(code="agenda-prova", role="agenda")
    for code in ("1.1", "1.2", "1.3"):
        NodeFactory(framework=agenda, code=code)
    NodeFactory(framework=FrameworkFactory(code="piano-prova", role="plan"), code="1.1")


def load(fixture_bytes, name: str, kind: str):
    return atlas_import(data=fixture_bytes("atlas", name), filename=name, kind=kind)


def test_csv_files_in_order_then_again(fixture_bytes) -> None:
    assert load(fixture_bytes, "organizzazioni.csv", "organisations").created["organisations"] == 4
    report = load(fixture_bytes, "reti.csv", "networks")
    assert report.errors == [] and report.created["networks"] == 2
    report = load(fixture_bytes, "adesioni.csv", "memberships")
    assert report.errors == [] and report.created["memberships"] == 5
    green = Network.objects.get(code="gc-valli")
    assert green.kind == "green_community" and green.lead.code == "comune-pinerolo"
    assert sorted(a.territory.code for a in NetworkArea.objects.filter(network=green)) == [
        "001191",
        "001272",
    ]
    assert {n.code for n in green.nodes.all()} == {"1.2", "1.1"}
    assert Organisation.objects.get(code="comune-pinerolo").territory.name == "Pinerolo"  # by name
    assert Membership.objects.get(organisation__code="coop-valli").role == "partner"
    entries = AuditEntry.objects.count()
    for name, kind in (
        ("organizzazioni.csv", "organisations"),
        ("reti.csv", "networks"),
        ("adesioni.csv", "memberships"),
    ):
        again = load(fixture_bytes, name, kind)
        assert again.changes == 0 and not again.errors
    assert AuditEntry.objects.count() == entries


def test_broken_networks_name_every_problem_and_write_nothing(fixture_bytes) -> None:
    load(fixture_bytes, "organizzazioni.csv", "organisations")
    report = load(fixture_bytes, "reti-rotte.csv", "networks")
    problems = {(e.row, e.field) for e in report.errors}
    assert {
        (2, "reti: tipo"),
        (2, "reti: capofila"),
        (2, "reti: fine"),
        (2, "reti: comuni"),
        (2, "reti: missioni"),
        (3, "reti: codice"),
        (4, "reti: codice"),
    } <= problems
    messages = "\n".join(map(str, report.errors))
    assert "row 3, field 'reti: codice': duplicate (also row 2)" in messages
    assert "'Atlantide'" in messages and "not a comune of the metropolitan city" in messages
    assert not Network.objects.filter(code="gc-valli").exists()


def test_people_are_refused_and_references_checked(fixture_bytes) -> None:
    person = b"codice;nome;tipo;codice_fiscale\nmario;Una persona;altro;RSSMRA80A01L219X\n"
    report = atlas_import(data=person, filename="o.csv", kind="organisations")
    assert "never private persons" in str(report.errors[0])
    orphan = b"organizzazione;rete;ruolo\nnessuna;nessuna;capo\n"
    report = atlas_import(data=orphan, filename="adesioni.csv")  # kind from the file name
    assert {e.field for e in report.errors} == {
        "adesioni: organizzazione",
        "adesioni: rete",
        "adesioni: ruolo",
    }
    assert (
        atlas_import(data=orphan, filename="x.csv")
        .errors[0]
        .message.startswith("say what the CSV holds")
    )


def test_one_workbook_with_the_three_sheets(fixture_bytes, tmp_path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, name in (
        ("organizzazioni", "organizzazioni.csv"),
        ("reti", "reti.csv"),
        ("adesioni", "adesioni.csv"),
    ):
        ws = book.create_sheet(sheet)
        for line in fixture_bytes("atlas", name).decode().splitlines():
            ws.append(line.split(";"))
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "atlante.xlsx"
    path.write_bytes(out.getvalue())
    stdout = io.StringIO()
    call_command("import_atlas", str(path), stdout=stdout)
    assert "memberships: 5 created" in stdout.getvalue()
    assert Membership.objects.filter(network__code="cdf-sangone").count() == 2
    broken = tmp_path / "reti-rotte.csv"
    broken.write_bytes(fixture_bytes("atlas", "reti-rotte.csv"))
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_atlas", str(broken), "--kind", "networks")


def test_the_downloadable_template_imports_as_it_is(client) -> None:
    data = client.get("/atlante/modello.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["organizzazioni", "reti", "adesioni", "guida"]
    report = atlas_import(data=data, filename="modello.xlsx", dry_run=True)
    assert report.errors == []
