"""The atlas imports make the same number of queries however many rows a file holds: new
organisations, networks (with their Missions and comuni), memberships and projects are written
in bulk, never row by row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territori.atlas.models import Membership, Network, NetworkArea, Project
from territori.atlas.projects import regis_import
from territori.atlas.services import atlas_import
from tests.factories import FrameworkFactory, NodeFactory, home_tree

pytestmark = pytest.mark.django_db

COMUNI = {"001272": "Torino", "001191": "Pinerolo", "001156": "Ivrea"}


@pytest.fixture(autouse=True)
def _site() -> None:
    home_tree(comuni=COMUNI)
    agenda = FrameworkFactory(code="agenda-prova", role="agenda")
    for code in ("1.1", "1.2"):
        NodeFactory(framework=agenda, code=code)


def _queries(run: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def _atlas(kind: str, header: str, rows: list[str]) -> int:
    def run() -> None:
        report = atlas_import(
            data="\n".join([header, *rows]).encode(), filename=f"{kind}.csv", kind=kind
        )
        assert report.errors == [] and report.created[kind] == len(rows)

    return _queries(run)


def _organisations(prefix: str, count: int) -> int:
    return _atlas(
        "organisations",
        "codice,nome,tipo,comune",
        [f"{prefix}-{n},Ente {prefix} {n},associazione di categoria,Torino" for n in range(count)],
    )


def _networks(prefix: str, count: int) -> int:
    return _atlas(
        "networks",
        "codice,nome,tipo,comuni,missioni,capofila",
        [
            f'{prefix}-{n},Rete {prefix} {n},partenariato,"001272;Pinerolo","1.1;1.2",{prefix}-0'
            for n in range(count)
        ],
    )


def _memberships(prefix: str, count: int) -> int:
    return _atlas(
        "memberships",
        "organizzazione,rete,ruolo",
        [f"{prefix}-{n},{prefix}-{n % 3},membro" for n in range(count)],
    )


def test_organisations_networks_and_memberships_cost_the_same_for_3_or_30_rows() -> None:
    # (30 networks with two comuni each stay within one SQLite insert batch of 999 values,
    # which Django splits on its own: beyond it the count grows by one per batch, not per row)
    small = (_organisations("a", 3), _networks("a", 3), _memberships("a", 3))
    large = (_organisations("b", 30), _networks("b", 30), _memberships("b", 30))
    assert large == small
    # the bulk writes hold what the files say
    network = Network.objects.get(code="b-29")
    assert network.lead is not None and network.lead.code == "b-0"
    assert {n.code for n in network.nodes.all()} == {"1.1", "1.2"}
    assert set(
        NetworkArea.objects.filter(network=network).values_list("territory__code", flat=True)
    ) == {"001272", "001191"}
    assert Membership.objects.filter(network__code="b-2").count() == 10


def test_networks_changed_by_a_second_file_cost_the_same_whatever_their_number() -> None:
    _organisations("a", 3)
    _organisations("b", 3)
    _networks("a", 3)
    _networks("b", 40)

    def move(prefix: str, count: int) -> int:
        rows = [
            f"{prefix}-{n},Rete {prefix} {n},partenariato,Ivrea,1.1,{prefix}-1"
            for n in range(count)
        ]
        header = "codice,nome,tipo,comuni,missioni,capofila"

        def run() -> None:
            report = atlas_import(
                data="\n".join([header, *rows]).encode(), filename="r.csv", kind="networks"
            )
            assert report.errors == [] and report.updated["networks"] == count

        return _queries(run)

    # each changed network is saved with its audit entry; its Missions and comuni are not
    # rewritten one query at a time
    small, large = move("a", 3), move("b", 40)
    assert large - small == 37 * (move_cost := (large - small) // 37)
    assert move_cost <= 2
    network = Network.objects.get(code="b-39")
    assert [n.code for n in network.nodes.all()] == ["1.1"]
    assert list(
        NetworkArea.objects.filter(network=network).values_list("territory__code", flat=True)
    ) == ["001156"]


def _regis(real_file: Any, count: int) -> int:
    """Import the first `count` real PNRR projects located in the comuni here (the others
    would be skipped as outside the metropolitan city, at no cost)."""
    from tests.atlas.test_real_pnrr import PNRR

    projects = real_file(PNRR, "regis_progetti_validati_2023-02_TO.csv")
    places = real_file(PNRR, "regis_localizzazioni_validate_2023-02_TO.csv")
    here = {
        row["CUP"]
        for row in csv.DictReader(io.StringIO(places.decode("utf-8-sig")))
        if row["Codice Comune"].zfill(3) in {code[3:] for code in COMUNI}
    }
    header, *lines = projects.decode("utf-8-sig").splitlines(True)
    cup = next(csv.reader([header])).index("CUP")
    chosen = [line for line in lines if next(csv.reader([line]))[cup] in here][:count]

    def run() -> None:
        report = regis_import(
            projects="".join([header, *chosen]).encode(),
            projects_name="progetti.csv",
            places=places,
            places_name="localizzazioni.csv",
        )
        assert report.errors == [] and report.created == len(chosen) == count

    return _queries(run)


def test_a_pnrr_import_costs_the_same_for_3_or_25_projects(real_file: Any) -> None:
    # (25 projects with their places, funding, implementing bodies and audit entries stay
    # within one SQLite insert batch; beyond it Django adds one query per batch, not per row)
    small = _regis(real_file, 3)
    Project.objects.all().delete()
    assert _regis(real_file, 25) == small
