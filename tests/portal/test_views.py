"""Public pages: content, languages, and a number of queries that does not grow with the data."""

from __future__ import annotations

import json

import pytest

from territori.frameworks.models import Framework, Link, Node
from territori.territories.models import Membership, Territory
from tests.conftest import count_queries
from tests.worlds import Frameworks

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/en/",
    "/quadri/",
    "/quadri/amsvs-torino/",
    "/quadri/amsvs-torino/MAS1/",
    "/quadri/amsvs-torino/1.2/",
    "/quadri/proposta-2024/1.4.a/",
    "/territori/",
    "/territori/201/",
    "/territori/ZO04/",
    "/territori/ZO02/",
    "/territori/001272/",
    "/territori/01/",
    "/cerca/?q=torino",
]


def grow_the_data() -> None:
    """More Missions, links, comuni and memberships than the demo has."""
    mas1 = Node.objects.get(framework__code="amsvs-torino", code="MAS1")
    axis = Node.objects.get(framework__code="psm-2024-2026", code="1")
    for i in range(7, 30):
        node = Node.objects.create(
            framework=mas1.framework,
            parent=mas1,
            level="missione",
            code=f"1.{i}",
            title_it=f"Missione 1.{i}",
            depth=1,
            search_text=f"1 {i} missione torino",
        )
        Link.objects.create(source_node=node, target_node=axis, kind="contributes_to")
    Node.objects.create(
        framework=mas1.framework,
        parent=Node.objects.get(framework__code="amsvs-torino", code="1.2"),
        level="area_intervento",
        code="1.2.a",
        title_it="Area",
        depth=2,
    )
    zona = Territory.objects.get(code="ZO04")
    cmto = Territory.objects.get(code="201")
    for i in range(20):
        extra = Territory.objects.create(
            code=f"9{i:05d}",
            kind="comune",
            name=f"Torino bis {i}",
            parent=cmto,
            search_text=f"torino bis {i}",
        )
        Membership.objects.create(member=extra, group=zona)
    Membership.objects.create(
        member=Territory.objects.get(code="001272"),
        group=Territory.objects.get(code="ZO02"),
        valid_from="2000-01-01",
        valid_to="2001-01-01",
    )
    Framework.objects.create(code="extra", name_it="Extra")


def test_every_page_renders_with_queries_that_do_not_grow_with_the_data(
    client, frameworks: Frameworks
):
    before = {url: count_queries(client, url) for url in PAGES}
    grow_the_data()
    after = {url: count_queries(client, url) for url in PAGES}
    assert after == before
    # the header reads who runs the site (one query); a comune's and a zona's page add ten
    # for what happens there (projects, networks, organisations, meetings, contributions);
    # a Mission's about seventeen for its hub (coherence, atlas and its map, meetings,
    # contributions, programme actions, report, news, its roadmaps)
    assert max(before.values()) <= 28, before  # a hub with its comment thread


def test_home_shows_mas_missions_and_counts(client, frameworks: Frameworks):
    page = client.get("/").content.decode()
    assert "Promuovere la green economy" in page
    assert page.count("titolo da completare") >= 20
    assert 'lang="it"' in page
    assert "/quadri/psm-2024-2026/" in page
    assert "/territori/" in page
    assert f">{len(frameworks.tree.comuni)}<" in page


def test_english_pages_translate_the_interface_and_mark_italian_content(
    client, frameworks: Frameworks
):
    page = client.get("/en/quadri/amsvs-torino/1.1/").content.decode()
    assert '<html lang="en">' in page
    assert "Mission 1.1 — title to be completed" in page
    assert "Strategies and plans" in page
    italian = client.get("/quadri/amsvs-torino/1.1/").content.decode()
    assert '<html lang="it">' in italian
    assert "Strategie e piani" in italian
    component = client.get("/en/quadri/pnrr/M1C1/").content.decode()
    assert '<span lang="it">Digitalizzazione, innovazione e sicurezza nella PA</span>' in component


def test_language_switch_links_point_to_the_same_page(client, frameworks: Frameworks):
    page = client.get("/territori/ZO04/").content.decode()
    assert 'href="/en/territori/ZO04/"' in page
    assert 'hreflang="en"' in page


def test_mission_page_shows_links_with_their_status(client, frameworks: Frameworks):
    page = client.get("/quadri/amsvs-torino/1.2/").content.decode()
    assert "/quadri/psm-2024-2026/1/" in page
    assert "dato dimostrativo" in page  # the illustrative link is labelled


def test_axis_page_shows_its_pnrr_mission_and_strategies(client, frameworks: Frameworks):
    page = client.get("/quadri/psm-2024-2026/2/").content.decode()
    assert "/quadri/pnrr/M2/" in page
    assert "Costruire e infrastrutturare la metropoli verde" in page


def test_proposal_action_shows_budget_and_outputs(client, frameworks: Frameworks):
    page = client.get("/quadri/proposta-2024/1.4.a/").content.decode()
    assert "12.205" in page or "12205" in page
    assert "Pubblicazione dei risultati e infografiche" in page


def test_zona_without_list_says_so_and_zona_with_list_has_map_table_and_download(
    client, frameworks: Frameworks
):
    missing = client.get("/territori/ZO02/").content.decode()
    assert "L'elenco dei comuni di questa zona non è ancora sul sito." in missing
    full = client.get("/territori/ZO04/").content.decode()
    assert 'data-vega-spec="map-zona-spec"' in full
    assert "Mappano" in full
    assert "<table" in full
    assert "/territori/ZO04/comuni.csv" in full
    csv = client.get("/territori/ZO04/comuni.csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().strip().splitlines()
    assert lines[0] == "codice_istat,comune,superficie_km2,zona_omogenea"
    assert len(lines) == 1 + 8  # the header and the eight comuni of zona 4


def test_comune_page_shows_its_zona_and_a_map_spec_with_the_topology(
    client, frameworks: Frameworks
):
    response = client.get("/territori/001130/")
    page = response.content.decode()
    assert "Area Metropolitana Torino Nord" in page
    spec = json.loads(
        page.split('id="map-comune-spec" type="application/json">')[1].split("</script>")[0]
    )
    assert spec["data"]["url"] == "/territori/mappe/comuni.topojson"
    assert spec["mark"]["type"] == "geoshape"
    topology = client.get(spec["data"]["url"])
    assert topology.status_code == 200
    assert len(topology.json()["objects"]["comuni"]["geometries"]) == len(frameworks.tree.comuni)
    assert topology.has_header("ETag")


def test_search_finds_nodes_and_territories_without_accents(client, frameworks: Frameworks):
    page = client.get("/cerca/?q=leini").content.decode()
    assert "/territori/001130/" in page
    page = client.get("/cerca/?q=green economy").content.decode()
    assert "/quadri/amsvs-torino/1.2/" in page
    assert "0 risultati" in client.get("/cerca/?q=zzzzzz").content.decode()


def test_unknown_things_are_404(client):
    for url in (
        "/quadri/nope/",
        "/quadri/sdg/99/",
        "/territori/999999/",
        "/territori/mappe/nope.topojson",
    ):
        assert client.get(url).status_code == 404, url


def test_the_site_has_a_favicon(client) -> None:
    page = client.get("/account/accedi/").content.decode()
    assert 'rel="icon" href="/static/territori/img/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/territori/img/favicon.svg"
