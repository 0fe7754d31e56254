"""Shared fixtures.

The test database starts empty: a test builds the rows it needs (tests/factories.py). Tests
marked `demo` need the whole Turin demo; it is loaded once per session (per xdist worker),
committed, before the first of them, and they run after every test that does not need it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from .worlds import (  # noqa: F401  (the tests' small worlds, for every module)
    atlas,
    catalogue,
    cities,
    coherence,
    forum,
    frameworks,
    indicators,
    italy,
    open_data,
    site,
)

FIXTURES = Path(__file__).parent / "fixtures"
#: The project's real public data (ISTAT, Eurostat, Italia Domani), beside the repository.
REAL_DATA = Path(
    os.environ.get("TERRITORI_REAL_DATA", Path(__file__).parents[1].parent / "shared/data/real")
)
IN_CI = os.environ.get("CI", "").lower() == "true"
DEMO_SNAPSHOT = pytest.StashKey[Any]()
#: The worlds built once for the module that asks for them (tests.worlds.held).
HELD_WORLDS = ("atlas", "built_report", "cities", "open_data")


def count_queries(client: Any, url: str) -> int:
    """SQL queries one GET of `url` makes (the page must answer 200)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_same_queries(client: Any, url: str, grow: Any) -> int:
    """The page makes as many queries after `grow()` adds rows to what it lists as before: the
    count does not grow with the data (an N+1 would). Returns the count."""
    before = count_queries(client, url)
    grow()
    after = count_queries(client, url)
    assert after == before, f"{url}: {before} queries before adding rows, {after} after"
    return before


def skip_or_fail(reason: str) -> None:
    """Skip locally with the reason; in CI a missing dependency is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def turin_demo(django_db_setup: Any, django_db_blocker: Any, request: Any) -> None:
    """The Turin demo, loaded and committed once (requested by every test marked `demo`)."""
    from territori.demo.services import demo_load

    with django_db_blocker.unblock():
        demo_load()
        if any(item.get_closest_marker("browser") for item in request.session.items):
            from .demo_snapshot import DemoSnapshot

            snapshot = DemoSnapshot()
            snapshot.take()
            request.config.stash[DEMO_SNAPSHOT] = snapshot


@pytest.fixture
def demo_data(turin_demo: None, request: Any) -> None:
    """The demo as loaded for the session, committed, for a live-server test (the database is
    flushed after each of them)."""
    request.config.stash[DEMO_SNAPSHOT].restore()


@pytest.fixture(autouse=True)
def _empty_database_for_its_own_world(request: Any, django_db_blocker: Any) -> None:
    """A transactional test that builds its own world (not the demo) starts on an empty
    database: when it runs after the demo's tests, the committed demo is flushed first (the
    demo's own transactional tests restore their snapshot)."""
    item = request.node
    if not _transactional(item) or item.get_closest_marker("demo") is not None:
        return
    if "demo_data" in getattr(item, "fixturenames", ()):
        return
    from django.core.management import call_command

    from territori.territories.models import Territory

    with django_db_blocker.unblock():
        if Territory.objects.exists():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def real_file() -> Any:
    """Bytes of a file of the shared real data (skipped locally when absent, never in CI)."""

    def read(*parts: str) -> bytes:
        path = REAL_DATA.joinpath(*parts)
        if not path.exists():
            skip_or_fail(f"real data not found at {path} (set TERRITORI_REAL_DATA)")
        return path.read_bytes()

    return read


@pytest.fixture
def fixture_bytes() -> Any:
    def read(*parts: str) -> bytes:
        return FIXTURES.joinpath(*parts).read_bytes()

    return read


def _transactional(item: Any) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark each test `unit` (no database) or `database` before `-m` selects, so that
    `-m unit` runs the fast part; a test marked `demo` gets the demo fixture first, so that
    the demo is loaded before the test's transaction begins.

    Order: the tests on the empty database, then those in a world held for their module
    (`tests.worlds.held`: they come after the module's other tests, which expect an empty
    database), then those that need the demo (it is loaded before the first of them), then
    those whose database is flushed afterwards (live server, transactions). pytest-django sorts afterwards by database use; its sort is stable, so
    this order holds within each of its groups.
    """
    for item in items:
        uses_database = item.get_closest_marker("django_db") is not None or any(
            name in getattr(item, "fixturenames", ())
            for name in (
                "db",
                "transactional_db",
                "client",
                "admin_client",
                "live_server",
                "demo_data",
            )
        )
        item.add_marker(pytest.mark.database if uses_database else pytest.mark.unit)
        if item.get_closest_marker("demo") is not None and "turin_demo" not in item.fixturenames:
            item.fixturenames.insert(0, "turin_demo")
    items.sort(
        key=lambda item: (
            _transactional(item),
            item.get_closest_marker("demo") is not None or "demo_data" in item.fixturenames,
            any(name in HELD_WORLDS for name in getattr(item, "fixturenames", ())),
        )
    )


@pytest.fixture(scope="session")
def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    skip_or_fail("no Chromium found (apt-get install chromium)")
    raise AssertionError  # unreachable
