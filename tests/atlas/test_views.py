"""Atlas pages: map and lists with filters, network, organisation, project and Mission pages,
project updates by staff, query counts that do not grow with the data."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group, User

from territori.atlas.models import Membership, Network, NetworkArea, Organisation, Place, Project
from territori.core.roles import ANALYST, EDITOR
from territori.frameworks.models import Node
from territori.territories.models import Territory
from tests.conftest import count_queries

pytestmark = pytest.mark.django_db
#: A real PNRR project (ReGiS) of the atlas world: cloud enablement of the comune of Carignano.
REAL_PROJECT = "pnrr-j31c22000110006"


@pytest.mark.usefixtures("atlas")
@pytest.mark.parametrize(
    "url",
    [
        "/atlante/",
        "/atlante/?missione=1.2&origine=pnrr",
        "/atlante/?zona=ZO04&stato=in_progress",
        "/en/atlante/",
        "/atlante/reti/demo-rete-01/",
        "/atlante/organizzazioni/demo-org-001/",
        "/atlante/missioni/1.2/",
        "/en/atlante/missioni/1.2/",
    ],
)
def test_pages_render_and_say_they_are_demo(client, url: str) -> None:
    text = client.get(url).content.decode()
    assert "<h1" in text and ("dimostrativ" in text.lower() or "demo" in text.lower())


@pytest.mark.usefixtures("atlas")
def test_a_real_pnrr_project_page_names_its_source(client) -> None:
    text = client.get(f"/atlante/progetti/{REAL_PROJECT}/").content.decode()
    assert "<h1" in text and "Italia Domani / ReGiS" in text
    assert "Carignano" in text and "M1C1I1.2" in text


@pytest.mark.usefixtures("atlas")
def test_filters_change_the_figures(client) -> None:
    # the real projects carry no Mission: staff tag a few with Mission 1.2
    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    for project in Project.objects.filter(pnrr_measure="M1C1I1.2")[:5]:
        project.nodes.add(mission)
    everything = list(
        csv.DictReader(io.StringIO(client.get("/atlante/comuni.csv").content.decode()))
    )
    pnrr = list(
        csv.DictReader(io.StringIO(client.get("/atlante/comuni.csv?origine=pnrr").content.decode()))
    )
    total = sum(int(r["progetti"]) for r in everything)
    assert total == Place.objects.count()
    assert (
        sum(int(r["progetti"]) for r in pnrr)
        == Place.objects.filter(project__origin="pnrr").count()
    )
    # euro per inhabitant: the comune's share of the funding over its population (the real
    # PNRR projects report the funding assigned, not commitments)
    torino = next(r for r in everything if r["codice"] == "001272")
    assert float(torino["finanziamento_quota"]) > 0 and float(torino["popolazione"]) > 0
    assert float(torino["finanziamento_per_abitante"]) == pytest.approx(
        float(torino["finanziamento_quota"]) / float(torino["popolazione"]), abs=0.01
    )
    networks = sum(int(r["reti"]) for r in everything)
    assert networks == NetworkArea.objects.count()
    projects = list(
        csv.DictReader(
            io.StringIO(client.get("/atlante/progetti.csv?missione=1.2").content.decode())
        )
    )
    assert (
        len(projects)
        == Project.objects.filter(nodes__framework__code="amsvs-torino", nodes__code="1.2")
        .distinct()
        .count()
    )


@pytest.mark.usefixtures("atlas")
def test_mission_page_lists_networks_gaps_and_metrics(client) -> None:
    node = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    text = client.get("/en/atlante/missioni/1.2/").content.decode()
    networks = Network.objects.filter(nodes=node)
    for network in networks:
        assert network.name in text
    covered = set(
        NetworkArea.objects.filter(network__in=networks).values_list("territory_id", flat=True)
    )
    gaps = Territory.objects.filter(kind="comune").count() - len(covered)
    assert f"Comuni no network of the Mission covers (gaps) ({gaps})" in text
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/atlante/missioni/1.2/organizzazioni.csv").content.decode())
        )
    )
    members = set(
        Membership.objects.filter(network__in=networks).values_list("organisation__code", flat=True)
    )
    assert {r["organizzazione"] for r in rows} == members
    # an organisation's ties: the other members it shares a network with
    first = rows[0]["organizzazione"]
    mine = set(
        Membership.objects.filter(organisation__code=first, network__in=networks).values_list(
            "network_id", flat=True
        )
    )
    others = set(
        Membership.objects.filter(network_id__in=mine)
        .exclude(organisation__code=first)
        .values_list("organisation_id", flat=True)
    )
    assert int(rows[0]["legami"]) == len(others)


@pytest.mark.usefixtures("atlas")
def test_staff_add_updates_and_milestones_the_public_sees(client) -> None:
    url = f"/atlante/progetti/{REAL_PROJECT}/"
    assert client.post(url + "aggiorna/", {"text": "x"}).status_code == 302  # log in first
    editor = User.objects.create_user("editor-atlas", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))
    client.force_login(editor)
    assert client.post(url + "aggiorna/", {"text": "x"}).status_code == 403
    analyst = User.objects.create_user("analyst-atlas", is_staff=True)
    analyst.groups.add(Group.objects.get(name=ANALYST))
    client.force_login(analyst)
    assert client.post(url + "aggiorna/", {"text": "", "progress": "140"}).status_code == 400
    response = client.post(
        url + "aggiorna/",
        {
            "text": "Cantiere aperto",
            "progress": "55",
            "milestone": "Collaudo",
            "milestone_due": "2026-12-01",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(code=REAL_PROJECT)
    assert project.progress == 55 and project.milestones.filter(title="Collaudo").exists()
    client.logout()
    text = client.get(url).content.decode()
    assert "Cantiere aperto" in text and "analyst-atlas" in text and "Collaudo" in text
    # the change is named in the page's language, never by its stored key
    assert "(avanzamento (%): " in text and " → 55)" in text and "progress:" not in text


def grow() -> None:
    comuni = list(Territory.objects.filter(kind="comune")[:40])
    organisation = Organisation.objects.first()
    node = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    for i in range(10):
        network = Network.objects.create(
            code=f"extra-{i}", name=f"Extra {i}", kind="other", status="illustrative"
        )
        network.nodes.add(node)
        NetworkArea.objects.bulk_create(NetworkArea(network=network, territory=c) for c in comuni)
        Membership.objects.create(organisation=organisation, network=network)
        project = Project.objects.create(
            code=f"extra-p-{i}", title=f"Extra {i}", origin="own", commitments=10
        )
        project.nodes.add(node)
        Place.objects.bulk_create(Place(project=project, territory=c, share=1 / 40) for c in comuni)


@pytest.mark.usefixtures("atlas")
@pytest.mark.parametrize(
    "url",
    [
        "/atlante/",
        "/atlante/?missione=1.2",
        "/atlante/reti/demo-rete-01/",
        "/atlante/organizzazioni/demo-org-001/",
        f"/atlante/progetti/{REAL_PROJECT}/",
        "/atlante/missioni/1.2/",
        "/atlante/progetti.csv",
        "/atlante/comuni.csv",
        "/atlante/reti/demo-rete-01/membri.csv",
        "/atlante/missioni/1.2/organizzazioni.csv",
    ],
)
def test_query_counts_do_not_grow(client, url: str) -> None:
    before = count_queries(client, url)
    grow()
    assert count_queries(client, url) == before


def test_unknown_things_are_404(client) -> None:
    for url in (
        "/atlante/reti/nessuna/",
        "/atlante/organizzazioni/nessuna/",
        "/atlante/progetti/nessuno/",
        "/atlante/missioni/9.9/",
    ):
        assert client.get(url).status_code == 404
