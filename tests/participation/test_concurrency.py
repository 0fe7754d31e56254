"""Concurrent registrations never exceed capacity: parallel requests on PostgreSQL.

The suite runs twice (SQLite, then PostgreSQL); this test runs in the PostgreSQL pass, where
requests really run in parallel. SQLite serialises every writer, so there is nothing to race.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_registrations_stop_at_capacity(django_db_blocker: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of ./test (SQLite serialises writers)")
    from territori.core.ratelimit import rate_limit_reset
    from territori.participation.models import Meeting, Registration

    from .test_services import make_user

    rate_limit_reset()
    start = timezone.now() + dt.timedelta(days=3)
    meeting = Meeting.objects.create(
        code="race",
        kind="lab",
        title_it="Gara",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        registration_required=True,
        capacity=5,
    )
    users = [make_user(f"race{n}") for n in range(16)]
    barrier = threading.Barrier(len(users))
    statuses: list[int] = []

    def register(user: Any) -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            response = client.post("/partecipa/incontri/race/iscriviti/", {"consent": "on"})
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(users)
    counts = {
        status: Registration.objects.filter(meeting=meeting, status=status).count()
        for status in ("confirmed", "waiting")
    }
    assert counts == {"confirmed": 5, "waiting": 11}
