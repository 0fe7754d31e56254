"""The participation world of conftest.py loads (a check of the fixture itself)."""

from __future__ import annotations

import pytest

from tests.worlds import Forum

pytestmark = pytest.mark.django_db


def test_the_world_has_what_the_tests_use(forum: Forum) -> None:
    assert forum.open.phases.get().contributions_open
    assert forum.lab.zone is not None and forum.lab.zone.number == 10
    assert forum.questionnaire.responses.count() == 3
    assert [c.status for c in forum.contributions] == [
        "accepted",
        "evaluating",
        "received",
        "rejected",
    ]
