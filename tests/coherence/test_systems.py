"""Systems maps of a Mission: seeding from a matrix (hand-computed), drawing and checking
factors and influences, named feedback loops, the public page with its chart, table and
download, the staff page's permissions, and query counts."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import translation

from territori.coherence.models import Factor, Influence, Matrix, SystemMap
from territori.coherence.selectors import system_view
from territori.coherence.services import (
    SystemMapError,
    agreed_save,
    factor_add,
    influence_set,
    matrix_set_axes,
    score_save,
    system_seed_from_matrix,
)
from territori.core.roles import ANALYST
from territori.frameworks.models import Node

from ..conftest import assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _matrices(coherence: Any) -> Any:
    with translation.override("en"):
        yield


def node(code: str) -> Node:
    return Node.objects.get(framework__code="amsvs-torino", code=code)


@pytest.fixture
def analyst() -> User:
    user = User.objects.create_user("analista-sistemi", is_staff=True)
    user.groups.add(Group.objects.get(name=ANALYST))
    return user


@pytest.fixture
def scored(analyst: User) -> Matrix:
    """Missions 1.1, 1.2, 1.3, 2.1 scored by two assessors:
    1.2→1.1: +2, +3 (median 2.5 → 3); 1.1→1.2: −1, −2 (median −1.5 → −2, agreed −1);
    1.2→1.3: 0, 1 (median 0.5 → 1); 1.3→1.1: +1, +1; 2.1→1.1: −3, −3 (not linked to 1.2:
    left out); everything else unscored."""
    a = User.objects.create_user("valutatrice-a", is_staff=True)
    b = User.objects.create_user("valutatore-b", is_staff=True)
    m = Matrix.objects.create(code="sistemi-prova", title_it="Prova", owner=analyst)
    m.assessors.set([a, b])
    missions = [node(c) for c in ("1.1", "1.2", "1.3", "2.1")]
    matrix_set_axes(matrix=m, rows=missions, columns=missions)
    for (row, column), (x, y) in {
        ("1.2", "1.1"): (2, 3),
        ("1.1", "1.2"): (-1, -2),
        ("1.2", "1.3"): (0, 1),
        ("1.3", "1.1"): (1, 1),
        ("2.1", "1.1"): (-3, -3),
    }.items():
        for user, value in ((a, x), (b, y)):
            score_save(
                matrix=m,
                row=node(row),
                column=node(column),
                assessor=user,
                score=value,
                expected_version=None,
            )
    agreed_save(
        matrix=m,
        row=node("1.1"),
        column=node("1.2"),
        coordinator=analyst,
        score=-1,
        note="In laboratorio.",
        expected_version=None,
    )
    return m


def make_map(code: str = "mappa-prova") -> SystemMap:
    return SystemMap.objects.create(code=code, node=node("1.2"), title_it="Mappa di prova")


def test_seed_from_a_matrix(scored: Matrix, analyst: User) -> None:
    system = make_map()
    assert system_seed_from_matrix(system=system, matrix=scored, actor=analyst) == (3, 4)
    factors = {f.node.code for f in Factor.objects.filter(system=system)}
    assert factors == {"1.1", "1.2", "1.3"}
    got = {
        (i.source.node.code, i.target.node.code, i.sign, i.strength)
        for i in Influence.objects.filter(system=system).select_related(
            "source__node", "target__node"
        )
    }
    assert got == {
        ("1.2", "1.1", 1, 3),
        ("1.1", "1.2", -1, 1),
        ("1.2", "1.3", 1, 1),
        ("1.3", "1.1", 1, 1),
    }
    # a second seeding adds nothing and keeps hand changes
    first = Influence.objects.get(system=system, source__node__code="1.2", target__node__code="1.1")
    influence_set(
        system=system,
        source=first.source.code,
        target=first.target.code,
        sign=1,
        strength=3,
        delay=4,
        actor=analyst,
    )
    assert system_seed_from_matrix(system=system, matrix=scored, actor=analyst) == (0, 0)
    first.refresh_from_db()
    assert first.delay == 4


def test_loops_are_named_by_polarity(scored: Matrix, analyst: User) -> None:
    """Seeded: 1.2→1.1 (+), 1.1→1.2 (−), 1.2→1.3 (+), 1.3→1.1 (+).
    Loops: 1.1→1.2→1.1 (− +: balancing, B1); 1.1→1.2→1.3→1.1 (− + +: balancing, B2)."""
    system = make_map()
    system_seed_from_matrix(system=system, matrix=scored, actor=analyst)
    view = system_view(system=system)
    got = [(loop.name, [f.node.code for f in loop.factors]) for loop in view.loops]
    assert got == [("B1", ["1.1", "1.2"]), ("B2", ["1.1", "1.2", "1.3"])]
    codes = {f.node.code: f.code for f in view.factors}
    influence_set(
        system=system,
        source=codes["1.1"],
        target=codes["1.2"],
        sign=1,
        strength=1,
        delay=2,
        actor=analyst,
    )
    view = system_view(system=system)
    assert [(loop.name, loop.delay) for loop in view.loops] == [("R1", 2), ("R2", 2)]


def test_bad_changes_are_named(analyst: User) -> None:
    system = make_map()
    factor_add(system=system, code="a", label_it="A", actor=analyst)
    with pytest.raises(SystemMapError) as caught:
        factor_add(system=system, code="a", label_it="A di nuovo", actor=analyst)
    assert caught.value.field == "__all__" or caught.value.field == "code"
    with pytest.raises(SystemMapError, match="No factor zz in this map") as missing:
        influence_set(system=system, source="a", target="zz", sign=1, actor=analyst)
    assert missing.value.field == "target"
    for kwargs, field in (
        ({"sign": 0}, "sign"),
        ({"sign": 1, "strength": 4}, "strength"),
        ({"sign": 1, "delay": 51}, "delay"),
    ):
        with pytest.raises(SystemMapError) as bad:
            influence_set(system=system, source="a", target="a", actor=analyst, **kwargs)
        assert bad.value.field == field
    assert not Influence.objects.filter(system=system).exists()


def test_seeding_from_an_unrelated_matrix_is_refused(analyst: User) -> None:
    empty = Matrix.objects.create(code="vuota", title_it="Vuota", owner=analyst)
    with pytest.raises(SystemMapError, match="no interaction"):
        system_seed_from_matrix(system=make_map(), matrix=empty, actor=analyst)


def test_public_page_chart_table_and_download(
    client: Client, scored: Matrix, analyst: User
) -> None:
    system = make_map()
    system_seed_from_matrix(system=system, matrix=scored, actor=analyst)
    page = client.get(f"/en/coerenza/sistemi/{system.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="chart-system-table"' in text and "chart-system-spec" in text
    assert "B1" in text and "B2" in text
    data = client.get(f"/coerenza/sistemi/{system.code}/influenze.csv")
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["da", "verso", "segno"] and rows[0][-1] == "stato_dati"
    assert {row[-1] for row in rows[1:]} == {"confirmed"}
    assert len(rows) == 5
    assert f"/coerenza/sistemi/{system.code}/" in client.get("/en/coerenza/").content.decode()
    assert client.get("/coerenza/sistemi/nessuna/").status_code == 404


def test_public_page_queries_do_not_grow(client: Client, scored: Matrix, analyst: User) -> None:
    system = make_map()
    system_seed_from_matrix(system=system, matrix=scored, actor=analyst)

    def grow() -> None:
        for n in range(4):
            factor_add(system=system, code=f"extra-{n}", label_it=f"Extra {n}", actor=analyst)
        for n in range(3):
            influence_set(
                system=system, source=f"extra-{n}", target=f"extra-{n + 1}", sign=-1, actor=analyst
            )

    assert_same_queries(client, f"/coerenza/sistemi/{system.code}/", grow)


def test_staff_page_permissions_and_flow(client: Client, scored: Matrix, analyst: User) -> None:
    system = make_map()
    url = f"/en/staff/coerenza/sistemi/{system.code}/"
    assert client.get(url).status_code == 302  # to log in
    passer_by = User.objects.create_user("passante", is_staff=False)
    client.force_login(passer_by)
    assert client.get(url).status_code == 403
    system.editors.add(passer_by)  # a lab's participant named as an editor
    assert client.get(url).status_code == 200
    assert "Edit the map" in client.get(f"/en/coerenza/sistemi/{system.code}/").content.decode()
    system.editors.remove(passer_by)
    assert client.get(url).status_code == 403
    client.force_login(analyst)
    assert client.get(url).status_code == 200
    assert client.post(url, {"form": "seed", "matrix": str(scored.pk)}).status_code == 302
    assert Influence.objects.filter(system=system).count() == 4
    bad = client.post(
        url,
        {
            "form": "influence",
            "source": "x",
            "target": "y",
            "sign": "1",
            "strength": "1",
            "delay": "0",
        },
    )
    assert bad.status_code == 400
    assert "No factor x in this map." in bad.content.decode()
    assert (
        client.post(url, {"form": "factor", "code": "nuovo", "label_it": "Nuovo"}).status_code
        == 302
    )
    influence = Influence.objects.filter(system=system).first()
    assert influence is not None
    client.post(url, {"form": "remove", "influence": "abc"})
    assert Influence.objects.filter(system=system).count() == 4
    client.post(url, {"form": "remove", "influence": str(influence.pk)})
    assert Influence.objects.filter(system=system).count() == 3


def test_the_demo_map(client: Client) -> None:
    from territori.demo.coherence import DEMO_SYSTEM

    system = SystemMap.objects.filter(code=DEMO_SYSTEM).first()
    if system is None:
        pytest.skip("the coherence world has no demo systems map")
    view = system_view(system=system)
    assert view.influences
    assert system.data_status == "illustrative"
    assert client.get(f"/coerenza/sistemi/{DEMO_SYSTEM}/").status_code == 200


def test_staff_page_queries_do_not_grow(client: Client, scored: Matrix, analyst: User) -> None:
    system = make_map()
    system_seed_from_matrix(system=system, matrix=scored, actor=analyst)
    client.force_login(analyst)

    def grow() -> None:
        for n in range(4):
            factor_add(system=system, code=f"altro-{n}", label_it=f"Altro {n}", actor=analyst)
        for n in range(3):
            influence_set(
                system=system, source=f"altro-{n}", target=f"altro-{n + 1}", sign=1, actor=analyst
            )
        system.editors.add(User.objects.create_user("curatrice-mappa", is_staff=False))

    assert_same_queries(client, f"/en/staff/coerenza/sistemi/{system.code}/", grow)
