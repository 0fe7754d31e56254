"""`/salute/`: database, cache, storage and background tasks, for the orchestrator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from territori.core import health

pytestmark = pytest.mark.django_db


def _task(finished: dt.datetime) -> None:
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        priority=0,
        task_path="territori.tests.nothing",
        queue_name="default",
        backend_name="default",
        status="SUCCESSFUL",
        enqueued_at=finished,
        started_at=finished,
        finished_at=finished,
        run_after=None,
    )


def test_everything_answers(client: Client) -> None:
    _task(timezone.now() - dt.timedelta(minutes=5))
    response = client.get("/salute/")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok", body
    assert set(body["checks"]) == {"data_directory", "database", "cache", "storage", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert 250 <= body["checks"]["tasks"]["age_seconds"] <= 400
    assert "no-cache" in response["Cache-Control"]


@override_settings(TERRITORI_HEALTH_TASK_AGE=60)
def test_old_or_missing_tasks_are_a_warning_not_a_failure(client: Client) -> None:
    body = client.get("/salute/").json()
    assert (
        body["status"] == "degraded" and "no background task" in body["checks"]["tasks"]["warning"]
    )
    _task(timezone.now() - dt.timedelta(hours=1))
    body = client.get("/salute/").json()
    assert body["status"] == "degraded" and body["checks"]["tasks"]["age_seconds"] >= 3600


def test_a_failing_part_is_named_with_a_503(client: Client, monkeypatch: Any) -> None:
    def broken() -> dict[str, Any]:
        raise ConnectionError("cache server unreachable")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/salute/")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "fail"
    assert body["problem"] == "ConnectionError: cache server unreachable"
    assert body["checks"]["cache"] == {
        "ok": False,
        "error": "ConnectionError: cache server unreachable",
        "milliseconds": body["checks"]["cache"]["milliseconds"],
    }
    assert body["checks"]["database"]["ok"]
    assert client.post("/salute/").status_code == 405


def test_the_check_s_queries_do_not_grow_with_the_tasks(client: Client) -> None:
    """The orchestrator calls it every few seconds: a fixed number of queries, however many
    task results are kept."""
    from tests.conftest import assert_same_queries

    _task(timezone.now() - dt.timedelta(minutes=5))

    def grow() -> None:
        for minutes in range(1, 30):
            _task(timezone.now() - dt.timedelta(minutes=minutes))

    assert_same_queries(client, "/salute/", grow)
