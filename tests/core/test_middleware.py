"""NUL characters in addresses and parameters are refused before any database query."""

from __future__ import annotations

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


def test_ordinary_requests_pass(client) -> None:
    assert client.get("/api/v1/comparisons/scorecards/201?grouping=bes").status_code == 200
