"""Another metropolitan city runs the site: it loads its own agenda and plan (with level names of
its own) and the whole portal follows the frameworks' roles, never Turin's codes.

The agenda and plan are small illustrative files (`fixtures/second_city/`); the territories are
the real ISTAT ones the demo loads for every metropolitan city (tests.worlds.italy), beside the
frameworks world's Turin agenda, plan and zones, which must not show through.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client, override_settings

from territori.frameworks.models import Framework
from territori.frameworks.selectors import agenda_groups, site_frameworks
from territori.frameworks.services import framework_file_import
from territori.indicators.services import indicators_upsert, observations_import

from ..conftest import FIXTURES

pytestmark = pytest.mark.django_db

GENOVA = "210"
INDICATOR = "GE_TEST_BUL"


@pytest.fixture
def genova(frameworks: Any, italy: None) -> None:
    for name in ("agenda-genova.yaml", "plan-genova.yaml"):
        path = FIXTURES / "second_city" / name
        framework_file_import(data=path.read_bytes(), filename=name, channel="cli")
    indicators_upsert(
        items=[
            {
                "code": INDICATOR,
                "name_it": "Famiglie con banda ultralarga (prova)",
                "name_en": "Households with ultra-broadband (test)",
                "unit": "%",
                "polarity": 1,
                "status": "illustrative",
                "nodes": ["agenda-genova-test:A.1", "piano-genova-test:D1-L1"],
            }
        ]
    )
    rows = "".join(
        f"{year},{code},{value}\n"
        for year, values in ((2018, (40, 45, 50)), (2020, (48, 50, 55)), (2022, (60, 58, 60)))
        for code, value in zip((GENOVA, "07", "IT"), values, strict=True)
    )
    outcome = observations_import(
        data=f"Year,GeoCode,Value\n{rows}".encode(), filename=f"indicator_{INDICATOR}.csv"
    )
    assert outcome.ok, outcome.errors


@pytest.fixture
def client_genova(genova: None, client: Client) -> Client:
    return client


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode())


def _header(html: bytes) -> str:
    """The page's head and header: who runs the site, the tagline, the description."""
    return _text(html).split('<main id="main"')[0]


@override_settings(TERRITORI_HOME_TERRITORY=GENOVA)
def test_roles_move_to_the_new_city_s_frameworks(genova: None) -> None:
    site = site_frameworks()
    assert (site.agenda_code, site.plan_code) == ("agenda-genova-test", "piano-genova-test")
    # Turin's frameworks stay, without a role
    assert Framework.objects.get(code="amsvs-torino").role == ""
    assert Framework.objects.get(code="psm-2024-2026").role == ""
    # the agenda's own levels: "ambito" groups its "obiettivo" goals
    assert [group.code for group in agenda_groups()] == ["A", "B"]
    assert [m.code for m in agenda_groups()[0].children.all()] == ["A.1", "A.2"]


@override_settings(TERRITORI_HOME_TERRITORY=GENOVA)
def test_the_portal_follows_the_second_city(client_genova: Client) -> None:
    client = client_genova
    page = client.get("/").content
    home = _text(page)
    assert "Città metropolitana di Genova" in _header(page)
    # Turin's frameworks and zones stay in this shared test database, but the header, the
    # agenda's Missions and the zone omogenee are Genova's
    assert "Torino" not in _header(page)
    assert "Porto e mare" in home and "Un porto che respira" in home
    assert "/territori/ZO01/" not in home
    english = _text(client.get("/en/").content)
    assert "Metropolitan City of Genoa" in english and "Port and sea" in english

    node = _text(client.get("/quadri/agenda-genova-test/A.1/").content)
    assert 'href="/atlante/missioni/A.1/"' in node  # a goal of the agenda is a Mission
    plan_node = _text(client.get("/quadri/piano-genova-test/D1/").content)
    assert "/atlante/missioni/" not in plan_node

    assert client.get("/atlante/missioni/A.1/").status_code == 200
    # a Turin Mission is not a Mission of this site's agenda any more
    assert client.get("/atlante/missioni/1.2/").status_code == 404

    atlas = _text(client.get("/atlante/?missione=A.1&asse=D1").content)
    assert '<option value="A.1" selected>' in atlas
    assert '<option value="D1" selected>' in atlas
    assert '<option value="1.2"' not in atlas

    listed = _text(client.get("/indicatori/?missione=A.1").content)
    assert INDICATOR in listed
    assert '<option value="A.1" selected>' in listed
    by_axis = _text(client.get("/indicatori/?asse=D1-L1").content)
    assert INDICATOR in by_axis
    assert client.get(f"/indicatori/{INDICATOR}/").status_code == 200

    infographics = _text(client.get("/infografiche/").content)
    assert "Porto e mare" in infographics

    catalogue = json.loads(client.get("/dati/catalogo.jsonld").content)
    text = json.dumps(catalogue, ensure_ascii=False)
    assert "Città metropolitana di Genova" in text and "Torino" not in text
    assert "agenda-genova-test:indicatori" in text

    for url in ("/territori/210/", "/confronti/pagella/210/", "/quadri/", "/dati/", "/atlante/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Torino" not in _header(response.content), url
    meetings = _text(client.get("/partecipa/incontri/").content)
    assert 'id="f-zona"' in meetings and '<option value="ZO01"' not in meetings


@override_settings(TERRITORI_HOME_TERRITORY=GENOVA)
def test_participation_tags_are_the_second_city_s(client_genova: Client) -> None:
    from territori.participation.forms import tag_nodes

    tags = {(node.framework.code, node.code) for node in tag_nodes()}
    assert tags == {
        ("agenda-genova-test", "A.1"),
        ("agenda-genova-test", "A.2"),
        ("agenda-genova-test", "B.1"),
        ("piano-genova-test", "D1"),
        ("piano-genova-test", "D1-L1"),
    }


def test_a_file_giving_one_role_to_two_frameworks_is_refused() -> None:
    from territori.io.frameworks import read_yaml, validate_document

    document, errors = read_yaml(
        b"nodes: []\n"
        + (FIXTURES / "second_city" / "agenda-genova.yaml").read_bytes().split(b"nodes:")[0]
    )
    assert not errors
    document.frameworks.append(document.frameworks[0].__class__(code="other", name_it="Altro"))
    document.frameworks[1].role = "agenda"
    problems = validate_document(document, {})
    assert [(p.field, p.message) for p in problems if p.field == "role"] == [
        ("role", "another framework in the file has this role")
    ] * 2
    document.frameworks[1].role = "mayor"
    problems = validate_document(document, {})
    assert [p.value for p in problems if p.field == "role"] == ["mayor"]
