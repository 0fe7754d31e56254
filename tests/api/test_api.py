"""The read API: contract, what is never published, pagination and query counts, and
schemathesis over the whole OpenAPI schema."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings

from territori.coherence.models import Matrix
from territori.indicators.models import Observation
from territori.participation.models import Contribution

from ..conftest import count_queries

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Any:
    """Requests through the raw WSGI app would close the test's database connection at the
    end of each request (Django's test client switches this off the same way)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis(case: Any) -> None:
    """Every operation answers within its schema for generated inputs (no 5xx)."""
    case.call_and_validate()


def test_lists_are_paginated_and_bounded(client: Client) -> None:
    page = client.get("/api/v1/territories/?kind=comune&limit=10&offset=5").json()
    assert page["count"] == 312 and len(page["items"]) == 10
    assert client.get("/api/v1/territories/?limit=5000").status_code == 422
    assert client.get("/api/v1/territories/?kind=planet").status_code == 422


def test_observations_json_and_csv_agree(client: Client) -> None:
    query = "indicator=RD&level=zona&year_from=2015&year_to=2020"
    expected = Observation.objects.filter(
        indicator__code="RD", territory__kind="zona", year__gte=2015, year__lte=2020
    ).count()
    assert expected == 5 * 6  # the five zones whose comuni are known (1, 4, 8, 10, 11), 6 years
    page = client.get(f"/api/v1/indicators/observations?{query}&limit=1000").json()
    assert page["count"] == expected
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/api/v1/indicators/observations.csv?{query}").content.decode())
        )
    )
    assert len(rows) == expected
    first = page["items"][0]
    assert (rows[0]["territory"], int(rows[0]["year"]), float(rows[0]["value"])) == (
        first["territory"],
        first["year"],
        first["value"],
    )
    empty = client.get("/api/v1/indicators/observations?year_from=2020&year_to=2010").json()
    assert empty["count"] == 0
    assert client.get("/api/v1/indicators/observations?year_from=99999").status_code == 422


def test_unpublished_matrices_and_hidden_contributions_are_never_served(client: Client) -> None:
    published = Matrix.objects.filter(status="published").first()
    assert published is not None
    Matrix.objects.filter(pk=published.pk).update(status="draft")
    codes = [m["code"] for m in client.get("/api/v1/coherence/matrices").json()]
    assert published.code not in codes
    assert client.get(f"/api/v1/coherence/matrices/{published.code}/cells").status_code == 404
    contribution = Contribution.objects.filter(hidden_at__isnull=True).first()
    assert contribution is not None
    contribution.hidden_at = timezone.now()
    contribution.save()
    items = client.get("/api/v1/participation/contributions?limit=1000").json()["items"]
    assert contribution.pk not in {c["id"] for c in items}
    assert all("author" not in c and "author_name" not in c for c in items)


def test_territory_geojson(client: Client) -> None:
    feature = client.get("/api/v1/territories/001272/geojson").json()
    assert feature["type"] == "Feature" and feature["properties"]["name"] == "Torino"
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert client.get("/api/v1/territories/999999/geojson").status_code == 404


def grow() -> None:
    from territori.participation.models import Meeting
    from territori.territories.models import Territory

    comuni = list(Territory.objects.filter(kind="comune")[:20])
    rows = [
        Observation(
            indicator_id=Observation.objects.first().indicator_id, territory=t, year=1990, value=1.0
        )
        for t in comuni
    ]
    Observation.objects.bulk_create(rows)
    start = timezone.now()
    for n in range(5):
        Meeting.objects.create(
            code=f"api-grow-{n}",
            kind="lab",
            title_it="x",
            starts_at=start,
            ends_at=start,
            comune=comuni[n],
            zone=comuni[n].parent,
        )


LISTS = [
    "/api/v1/frameworks/", "/api/v1/frameworks/amsvs-torino/nodes", "/api/v1/territories/",
    "/api/v1/indicators/", "/api/v1/indicators/observations?limit=1000",
    "/api/v1/indicators/observations.csv?year_to=1995", "/api/v1/indicators/assessments",
    "/api/v1/indicators/composites", "/api/v1/coherence/matrices",
    "/api/v1/coherence/matrices/missioni-missioni/cells", "/api/v1/atlas/projects",
    "/api/v1/atlas/networks", "/api/v1/atlas/organisations", "/api/v1/participation/processes",
    "/api/v1/participation/meetings", "/api/v1/participation/contributions",
]  # fmt: skip


@pytest.mark.parametrize("url", LISTS)
def test_query_counts_do_not_grow(client: Client, url: str) -> None:
    before = count_queries(client, url)
    grow()
    assert count_queries(client, url) == before
