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
from schemathesis.specs.openapi.checks import positive_data_acceptance

from territori.coherence.models import Matrix
from territori.indicators.models import Observation
from territori.participation.models import Contribution
from tests.api.tokens import make_token
from tests.factories import IndicatorFactory, ObservationFactory, ProjectFactory, home_tree
from tests.worlds import Forum

from ..conftest import count_queries

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# NUL characters are refused on purpose (422, as the API's description says; tested in
# tests/core/test_middleware.py), so generated text leaves them out.
schema.config.generation.update(allow_x00=False)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    from territori.core.ratelimit import rate_limit_reset

    rate_limit_reset()


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


@pytest.mark.slow
@pytest.mark.usefixtures("open_data")  # generated requests against every kind of row
@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis(case: Any) -> None:
    """Every operation answers within its schema for generated inputs (no 5xx)."""
    if case.query and "cursor" in case.query:
        # a made-up cursor is refused by name with a 422 (tested below), never a 5xx
        case.call_and_validate(excluded_checks=[positive_data_acceptance])
        return
    case.call_and_validate()


def test_lists_are_paginated_and_bounded(client: Client) -> None:
    home_tree(comuni={f"0019{n:02d}": f"Comune di prova {n}" for n in range(17)})
    page = client.get("/api/v1/territories/?kind=comune&limit=10&offset=5").json()
    assert page["count"] == 17 and len(page["items"]) == 10 and page["count_capped"] is False
    assert [item["code"] for item in page["items"]] == [f"0019{n:02d}" for n in range(5, 15)]
    assert client.get("/api/v1/territories/?limit=5000").status_code == 422
    assert client.get("/api/v1/territories/?kind=planet").status_code == 422


def test_a_list_counts_its_rows_up_to_a_cap(client: Client, monkeypatch: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from territori.api.v1 import base

    home_tree(comuni={f"0019{n:02d}": f"Comune di prova {n}" for n in range(17)})
    monkeypatch.setattr(base, "COUNT_CAP", 12)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/api/v1/territories/?kind=comune&limit=5&offset=10").json()
    assert page["count"] == 12 and page["count_capped"] is True
    assert [item["code"] for item in page["items"]] == [f"0019{n:02d}" for n in range(10, 15)]
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 13" in sql for sql in counts)  # never a count of every row
    monkeypatch.setattr(base, "COUNT_CAP", 17)
    page = client.get("/api/v1/territories/?kind=comune&limit=5").json()
    assert page["count"] == 17 and page["count_capped"] is False
    assert client.get("/api/v1/territories/?kind=planet").status_code == 422


@pytest.mark.usefixtures("open_data")
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/frameworks/amsvs-torino/nodes",
        "/api/v1/territories/",
        "/api/v1/indicators/",
        "/api/v1/indicators/observations",
        "/api/v1/indicators/assessments",
        "/api/v1/indicators/composites",
        "/api/v1/coherence/matrices/missioni-missioni/cells",
        "/api/v1/atlas/projects",
        "/api/v1/atlas/networks",
        "/api/v1/atlas/organisations",
        "/api/v1/participation/meetings",
        "/api/v1/participation/contributions",
    ],
)
def test_a_cursor_walks_every_list_like_the_offset(client: Client, url: str) -> None:
    """Following `next_cursor` pages through exactly the rows, in the order, that one big
    offset page gives; the last page has no cursor."""
    sep = "&" if "?" in url else "?"
    first = client.get(f"{url}{sep}limit=1000").json()
    whole = first["items"]
    while len(whole) < first["count"]:
        whole += client.get(f"{url}{sep}limit=1000&offset={len(whole)}").json()["items"]
    assert len(whole) == first["count"] > 0, url
    size = max(1, len(whole) // 15)  # about fifteen pages whatever the list
    walked: list[Any] = []
    cursor = None
    for _page in range(len(whole) // size + 2):
        query = f"{url}{sep}limit={size}" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(query).json()
        assert page["count"] == first["count"]
        walked += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == whole, url


def test_keyset_pages_skip_no_row_on_ties_and_missing_values(client: Client) -> None:
    """Observations in their unique key's order: equal keys up to the last column and an
    empty breakdown still give every row once; a damaged or foreign cursor is a 422."""
    tree = home_tree(comuni={"001272": "Torino", "001001": "Agliè"})
    indicator = IndicatorFactory(code="UBB")
    for place in tree.comuni.values():
        for year in (2020, 2021):
            for breakdown in ("", "F", "M"):
                ObservationFactory(
                    indicator=indicator, territory=place, year=year, breakdown=breakdown, value=1
                )
    whole = client.get("/api/v1/indicators/observations?limit=1000").json()["items"]
    assert len(whole) == 12
    seen, cursor = [], None
    while True:
        page = client.get(
            "/api/v1/indicators/observations?limit=5" + (f"&cursor={cursor}" if cursor else "")
        ).json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == whole
    # in the order of the unique key (indicator, territory, breakdown, year) an index gives
    first = seen[0]["territory"]
    assert [(r["territory"], r["year"], r["breakdown"]) for r in seen[:4]] == [
        (first, 2020, ""),
        (first, 2021, ""),
        (first, 2020, "F"),
        (first, 2021, "F"),
    ]
    damaged = client.get("/api/v1/indicators/observations?cursor=%%%")
    assert damaged.status_code == 422 and "cursor" in damaged.json()["detail"]
    other = client.get("/api/v1/territories/?limit=1").json()["next_cursor"]
    foreign = client.get(f"/api/v1/indicators/observations?cursor={other}")
    assert foreign.status_code == 422 and "belong" in foreign.json()["detail"]
    both = client.get(f"/api/v1/territories/?offset=2&cursor={other}")
    assert both.status_code == 422


def test_a_cursor_page_never_skips_rows_it_has_not_seen(client: Client) -> None:
    """The cursor page is a seek, not an offset: no query skips more rows than a page holds,
    however deep the page."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    home_tree(comuni={f"0019{n:02d}": f"Comune di prova {n}" for n in range(17)})
    cursor = client.get("/api/v1/territories/?kind=comune&limit=10").json()["next_cursor"]
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/api/v1/territories/?kind=comune&limit=5&cursor={cursor}").json()
    assert [item["code"] for item in page["items"]] == [f"0019{n:02d}" for n in range(10, 15)]
    skipped = [
        int(n)
        for q in captured.captured_queries
        for n in re.findall(r"OFFSET (\d+)", q["sql"].upper())
    ]
    assert all(n < 5 for n in skipped), skipped


def test_observations_json_and_csv_agree(client: Client) -> None:
    tree = home_tree(comuni={"001272": "Torino"}, zones=(1, 4, 8))
    indicator = IndicatorFactory(code="UBB")
    for place in [*tree.zones.values(), tree.home, *tree.comuni.values()]:
        for year in range(2012, 2024):
            ObservationFactory(indicator=indicator, territory=place, year=year, value=year / 7)
    query = "indicator=UBB&level=zona&year_from=2015&year_to=2020"
    expected = Observation.objects.filter(
        indicator__code="UBB", territory__kind="zona", year__gte=2015, year__lte=2020
    ).count()
    assert expected == 3 * 6  # three zones, six years
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


@pytest.mark.usefixtures("open_data")
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
    from territori.participation.models import Comment

    comment = Comment.objects.filter(hidden_at__isnull=True).first()
    assert comment is not None
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now())
    served = client.get("/api/v1/participation/comments?limit=1000").json()["items"]
    assert served and comment.pk not in {c["id"] for c in served}
    assert all(set(c) & {"author", "author_name"} == set() for c in served)
    about = client.get(
        f"/api/v1/participation/comments?target_kind={served[0]['target_kind']}"
        f"&target_id={served[0]['target_id']}"
    ).json()["items"]
    assert {(c["target_kind"], c["target_id"]) for c in about} == {
        (served[0]["target_kind"], served[0]["target_id"])
    }


def test_territory_geojson(client: Client) -> None:
    home_tree(comuni={"001272": "Torino"}, boundaries=True)
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
    "/api/v1/frameworks/",
    "/api/v1/frameworks/amsvs-torino/nodes",
    "/api/v1/territories/",
    "/api/v1/indicators/",
    "/api/v1/indicators/observations?limit=1000",
    "/api/v1/indicators/observations.csv?year_to=1995",
    "/api/v1/indicators/assessments",
    "/api/v1/indicators/composites",
    "/api/v1/coherence/matrices",
    "/api/v1/coherence/matrices/missioni-missioni/cells",
    "/api/v1/atlas/projects",
    "/api/v1/atlas/networks",
    "/api/v1/atlas/organisations",
    "/api/v1/participation/processes",
    "/api/v1/participation/meetings",
    "/api/v1/participation/contributions",
    "/api/v1/participation/comments",
    "/api/v1/participation/debates",
    "/api/v1/participation/outcomes",
    "/api/v1/participation/prioritisations",
]


@pytest.mark.usefixtures("open_data")
@pytest.mark.parametrize("url", LISTS)
def test_query_counts_do_not_grow(client: Client, url: str) -> None:
    before = count_queries(client, url)
    grow()
    assert count_queries(client, url) == before


# --- Write API: tokens, scopes, rate limits ---------------------------------------------------


IMPORT = "/api/v1/indicators/observations/import?format=tidy&indicator=UBB"
GOOD = b"Year,GeoCode,Value\n2031,001272,66.5\n"


@pytest.fixture
def ubb() -> None:
    """The indicator and the comune the import files name."""
    home_tree(comuni={"001272": "Torino"})
    IndicatorFactory(code="UBB")


def test_token_scopes_and_permissions(client: Client, ubb: None) -> None:
    token, key = make_token(["write-indicators"])
    assert client.post(IMPORT, GOOD, content_type="text/csv").status_code == 401
    _wrong, wrong_key = make_token(["write-atlas"])
    response = client.post(
        IMPORT, GOOD, content_type="text/csv", headers={"Authorization": f"Bearer {wrong_key}"}
    )
    assert response.status_code == 401
    _editor, editor_key = make_token(["write-indicators"], role="editor")  # no indicator rights
    response = client.post(
        IMPORT, GOOD, content_type="text/csv", headers={"Authorization": f"Bearer {editor_key}"}
    )
    assert response.status_code == 401
    response = client.post(
        IMPORT, GOOD, content_type="text/csv", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    assert Observation.objects.filter(
        indicator__code="UBB", territory__code="001272", year=2031, value=66.5
    ).exists()
    from territori.core.models import AuditEntry

    assert AuditEntry.objects.filter(channel="api", actor=token.user).exists()
    token.refresh_from_db()
    assert token.last_used_at is not None
    token.revoked_at = timezone.now()
    token.save()
    response = client.post(
        IMPORT, GOOD, content_type="text/csv", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 401


def test_bad_import_names_rows_and_writes_nothing(client: Client, ubb: None) -> None:
    _token, key = make_token(["write-indicators"])
    before = Observation.objects.count()
    bad = b"Year,GeoCode,Value\n2032,001272,61.5\n20x5,001272,60\n2032,999999,12\n"
    response = client.post(
        IMPORT, bad, content_type="text/csv", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert {(p["row"], p["field"]) for p in problems} >= {(3, "Year")}  # the file's own header
    assert Observation.objects.count() == before


def test_rate_limit_answers_429_with_retry_after(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from territori.api.auth import PerAddress
    from territori.api.v1 import api

    [throttle] = [t for t in api.throttle if isinstance(t, PerAddress)]
    monkeypatch.setattr(throttle, "num_requests", 3)
    statuses = [client.get("/api/v1/frameworks/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/frameworks/")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_project_update_through_the_api(client: Client) -> None:
    project = ProjectFactory()
    url = f"/api/v1/atlas/projects/{project.code}/updates"
    _reader, indicators_key = make_token(["write-indicators"])
    payload = {
        "text": "Cantiere avviato",
        "progress": 40,
        "milestone": "Collaudo",
        "milestone_due": "2027-06-30",
    }
    denied = client.post(
        url,
        payload,
        content_type="application/json",
        headers={"Authorization": f"Bearer {indicators_key}"},
    )
    assert denied.status_code == 401
    _token, key = make_token(["write-atlas"])
    auth = {"Authorization": f"Bearer {key}"}
    bad = client.post(
        url, {**payload, "progress": 140}, content_type="application/json", headers=auth
    )
    assert bad.status_code == 422
    blank = client.post(
        url, {**payload, "text": "  "}, content_type="application/json", headers=auth
    )
    assert blank.status_code == 422
    assert not project.updates.filter(text__startswith="Cantiere").exists()
    response = client.post(url, payload, content_type="application/json", headers=auth)
    assert response.status_code == 201, response.content
    assert response.json()["changes"]["milestone"] == "Collaudo"
    project.refresh_from_db()
    assert project.progress == 40
    assert project.updates.get(text="Cantiere avviato").author.username.startswith(
        "api-write-atlas"
    )
    assert (
        client.post(
            "/api/v1/atlas/projects/nessuno/updates",
            payload,
            content_type="application/json",
            headers=auth,
        ).status_code
        == 404
    )


def test_contribution_answer_through_the_api(client: Client, forum: Forum) -> None:
    from territori.core.models import AuditEntry

    contribution = Contribution.objects.filter(
        hidden_at__isnull=True, status=Contribution.Status.RECEIVED
    ).first()
    assert contribution is not None
    url = f"/api/v1/participation/contributions/{contribution.pk}/answer"
    decision = {"status": "accepted", "answer": "Accolto nel Piano: vedi l'azione 2.3."}
    _token, atlas_key = make_token(["write-atlas"], role="editor")
    wrong_scope = {"Authorization": f"Bearer {atlas_key}"}
    assert (
        client.post(url, decision, content_type="application/json", headers=wrong_scope).status_code
        == 401
    )
    _token, analyst_key = make_token(["write-participation"], role="analyst")
    no_permission = {"Authorization": f"Bearer {analyst_key}"}
    assert (
        client.post(
            url, decision, content_type="application/json", headers=no_permission
        ).status_code
        == 401
    )
    _token, key = make_token(["write-participation"], role="moderator")
    auth = {"Authorization": f"Bearer {key}"}
    refused = client.post(
        url, {"status": "accepted", "answer": " "}, content_type="application/json", headers=auth
    )
    assert refused.status_code == 422 and refused.json()["detail"].startswith("answer:")
    unknown = client.post(url, {"status": "maybe"}, content_type="application/json", headers=auth)
    assert unknown.status_code == 422 and unknown.json()["detail"].startswith("status:")
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.RECEIVED and contribution.answer == ""
    response = client.post(url, decision, content_type="application/json", headers=auth)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted" and response.json()["answered"]
    contribution.refresh_from_db()
    assert contribution.answer == decision["answer"]
    entry = AuditEntry.objects.filter(
        model="participation.contribution", object_id=str(contribution.pk)
    ).latest("id")
    assert entry.channel == "api" and entry.actor.username.startswith("api-write-participation")
    Contribution.objects.filter(pk=contribution.pk).update(hidden_at=timezone.now())
    assert (
        client.post(url, decision, content_type="application/json", headers=auth).status_code == 404
    )


def test_openapi_schema_has_no_duplicate_keys(client: Client) -> None:
    """Swagger UI reads the schema as YAML, which refuses a key given twice."""
    import json

    duplicates: list[str] = []

    def check(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _value in pairs]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=check)
    assert duplicates == []


def test_the_api_lists_the_same_meetings_as_the_page_for_the_same_filters(
    client: Client, forum: Forum
) -> None:
    """The meetings page and /api/v1/participation/meetings filter through one selector."""
    from territori.participation.models import Meeting

    zone = Meeting.objects.exclude(zone=None).values_list("zone__code", flat=True).first()
    assert zone is not None
    api = client.get(f"/api/v1/participation/meetings?zone={zone}&limit=1000").json()
    expected = set(Meeting.objects.filter(zone__code=zone).values_list("code", flat=True))
    assert {item["code"] for item in api["items"]} == expected
    page = client.get(f"/partecipa/incontri/?zona={zone}").content.decode()
    assert all(f"/partecipa/incontri/{code}/" in page for code in expected)
    assert client.get("/api/v1/participation/meetings?kind=planet").status_code == 422


def test_the_api_lists_the_same_contributions_as_the_page_for_the_same_filters(
    client: Client, forum: Forum
) -> None:
    from territori.participation.models import Contribution
    from territori.participation.selectors import ContributionFilters, contribution_listing

    tagged = (
        Contribution.objects.filter(hidden_at__isnull=True)
        .exclude(nodes=None)
        .values_list("nodes__framework__code", "nodes__code")
        .first()
    )
    assert tagged is not None
    node = ":".join(tagged)
    api = client.get(f"/api/v1/participation/contributions?node={node}&limit=1000").json()
    listing = contribution_listing(ContributionFilters(node=node))
    assert [item["id"] for item in api["items"]] == [c.pk for c in listing.contributions]
    assert api["count"] == listing.total > 0
    assert client.get("/api/v1/participation/contributions?status=lost").status_code == 422
