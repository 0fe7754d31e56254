"""NUL characters in addresses and parameters are refused before any database query."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/v1/participation/contributions?process=a%00b", 422),
        ("/api/v1/comparisons/scorecards/201?grouping=%00", 422),
        ("/api/v1/frameworks/sdg%00/nodes", 422),
        ("/confronti/10AMB017/?confronta=%00", 400),
        ("/cerca/?q=to%00rino", 400),
    ],
)
def test_nul_characters_are_refused_without_touching_the_database(
    client, url: str, status: int
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status
    assert "NUL" in response.content.decode()
    assert len(queries) == 0


def test_ordinary_requests_pass(client, frameworks) -> None:
    assert client.get("/api/v1/comparisons/scorecards/201?grouping=bes").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/", "/indicatori/UBB/", "/api/v1/docs", "/api/v1/frameworks/", "/salute/"]
)
def test_every_answer_carries_the_security_policies(client: Any, url: str, catalogue) -> None:
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.usefixtures("cities")
@pytest.mark.parametrize(
    "url", ["/", "/indicatori/10AMB017/", "/coerenza/", "/atlante/progetti/pnrr-prova/"]
)
def test_pages_have_no_inline_scripts_or_style_attributes(client: Any, url: str) -> None:
    import re

    from territori.atlas.models import Place
    from territori.demo.coherence import demo_coherence_load
    from territori.territories.models import Territory
    from tests.factories import ProjectFactory

    # pages with their charts, heat maps and maps drawn
    assert demo_coherence_load() > 0
    Place.objects.create(
        project=ProjectFactory(code="pnrr-prova"),
        territory=Territory.objects.get(code="001272"),
        share=1,
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    inline_scripts = [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]
    assert not inline_scripts
    assert not re.search(r"<[^>]+\sstyle=", html) and "<style" not in html


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b'{"text": "a\\u0000b"}', 422, "NUL"),
        (b'{"text": "a\x00b"}', 400, "Cannot parse request body"),  # not JSON at all
    ],
    ids=["escaped", "raw"],
)
def test_nul_in_a_json_body_is_refused_before_the_database(
    client: Any, body: bytes, status: int, reason: str
) -> None:
    from territori.atlas.models import ProjectUpdate
    from tests.api.tokens import make_token
    from tests.factories import ProjectFactory

    ProjectFactory(code="pnrr-c81f22003040001")
    _token, key = make_token(["write-atlas"])
    response = client.post(
        "/api/v1/atlas/projects/pnrr-c81f22003040001/updates",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == status, response.content
    assert reason in response.content.decode()
    assert not ProjectUpdate.objects.filter(text__startswith="a").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("cities")
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/indicatori/10AMB017/?anno=99999999999999999999", 200),
        ("/indicatori/10AMB017/?anno=%D9%A2%D9%A0%D9%A2%D9%A3", 200),  # Arabic-Indic digits
        ("/indicatori/10AMB017/dati.csv?anno=0", 200),
        ("/indicatori/10AMB017/?territorio=" + "9" * 500, 200),
        ("/confronti/10AMB017/?anno=99999", 200),
        ("/api/v1/indicators/observations?limit=1e308", 422),
        ("/api/v1/indicators/observations?offset=99999999999999999999", 422),
        ("/api/v1/indicators/observations?year_from=99999999999", 422),
    ],
)
def test_hostile_query_parameters_get_an_answer_not_an_error(
    client: Any, url: str, status: int
) -> None:
    assert client.get(url).status_code == status
