"""Scaling out: two app servers (separate processes) on one database and one shared cache.
A page cached by one is served by the other; a write made by a third process (an import, the
worker) is seen by both at once; the API's rate limit counts the requests made to either.
Runs on the database the suite runs on (a SQLite file, or the PostgreSQL server)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[str], dict[str, str]]]:
    folder = tmp_path_factory.mktemp("scale-out")
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        database = f"sqlite:///{folder / 'territori.sqlite3'}"
    else:  # a database of its own on the same server
        import psycopg

        base, _sep, _name = database.rpartition("/")
        database = f"{base}/territori_scale_out"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as server:
            server.execute("DROP DATABASE IF EXISTS territori_scale_out")
            server.execute("CREATE DATABASE territori_scale_out")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scaleout_settings",
        "DATABASE_URL": database,
        "TERRITORI_TEST_SHARED": str(folder / "shared"),
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--no-input", "-v", "0"],
        env=environment,
        check=True,
        cwd=ROOT,
        timeout=600,
    )
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "territori.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env=environment,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 120
        for base, process in zip(bases, processes, strict=True):
            while True:
                if process.poll() is not None:
                    assert process.stderr is not None
                    pytest.fail(f"an app server stopped: {process.stderr.read().decode()[-2000:]}")
                try:
                    if _get(base + "/salute/")[0] in (200, 503):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("the app servers did not start in 120 s")
                time.sleep(0.5)
        yield bases, environment
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)


def _run(environment: dict[str, str], code: str) -> None:
    """A third process writes to the database (as an import or the worker would)."""
    subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", code],
        env=environment,
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
    )


NEWS = (
    "from django.utils import timezone; from territori.publication.models import Page; "
    "Page.objects.update_or_create(slug='scala', defaults=dict(kind='news', title_it={title!r}, "
    "body_it='Testo.', published=True, published_at=timezone.now()))"
)


def test_two_app_servers_share_pages_invalidation_and_rate_limits(
    servers: tuple[list[str], dict[str, str]],
) -> None:
    (first, second), environment = servers
    _run(environment, NEWS.format(title="Prima versione"))
    status, headers, body = _get(first + "/pagine/scala/")
    assert status == 200 and headers["X-Page-Cache"] == "miss" and "Prima versione" in body
    status, headers, body = _get(second + "/pagine/scala/")
    assert headers["X-Page-Cache"] == "hit" and "Prima versione" in body  # built by the first
    _run(environment, NEWS.format(title="Seconda versione"))  # another process writes
    for base in (second, first):
        status, headers, body = _get(base + "/pagine/scala/")
        assert "Seconda versione" in body, base  # never the stale page, on either server
    # the API allows 6 requests a minute per address, counted across both servers
    answers = [
        _get((first if n % 2 else second) + f"/api/v1/territories?limit=1&n={n}")[0]
        for n in range(8)
    ]
    assert answers[:6] == [200] * 6 and answers[6:] == [429, 429], answers
    assert json.loads(_get(second + "/salute/")[2])["checks"]["cache"]["ok"]
