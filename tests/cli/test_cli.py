"""The `territori` command: its subcommands, help, and clear errors with a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from territori.cli.main import main
from territori.territories.models import Membership
from tests.factories import FrameworkFactory, NodeFactory, home_tree

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    """Django closes every connection after a command run from argv; on PostgreSQL that
    would end the test's transaction, so in-process runs keep it open."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "territori.cli.main", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_help_lists_the_product_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("serve", "demo", "import-framework", "export-framework", "import-zones"):
        assert name in out


@pytest.mark.slow
def test_each_subcommand_has_help():
    for name in ("import-framework", "export-framework", "import-zones"):
        result = run(name, "--help")
        assert result.returncode == 0 and "usage:" in result.stdout, result.stderr
    assert "--bind" in run("serve", "--help").stdout


def test_serve_announces_the_address_it_binds_and_gives_it_to_the_site(capsys, monkeypatch):
    calls: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda _path, argv: calls.append(list(argv)))
    monkeypatch.delenv("TERRITORI_BASE_URL", raising=False)
    main(["serve", "--bind", "0.0.0.0:9100", "--workers", "2"])
    out = capsys.readouterr().out
    # a wildcard host is reached on the machine itself; links in emails, PDFs and cards follow
    assert "serving on http://127.0.0.1:9100 " in out and "http://127.0.0.1:9100/admin/" in out
    assert os.environ["TERRITORI_BASE_URL"] == "http://127.0.0.1:9100"
    assert calls and calls[0][calls[0].index("--bind") + 1] == "0.0.0.0:9100"
    assert calls[0][calls[0].index("--workers") + 1] == "2"
    # the application preloaded (its memory shared by the workers), threads in each worker
    assert "--preload" in calls[0] and calls[0][calls[0].index("--worker-class") + 1] == "gthread"
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    main(["serve"])
    assert calls[-1][calls[-1].index("--workers") + 1] == "5"  # one per core plus one
    capsys.readouterr()
    # a public address given (or set in the environment) wins over the bind address
    main(["serve", "--bind", "127.0.0.1:9100", "--public-url", "https://agenda.example.org"])
    assert os.environ["TERRITORI_BASE_URL"] == "https://agenda.example.org"
    assert "serving on https://agenda.example.org " in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["serve", "--public-url", "agenda.example.org"])
    assert "must start with http:// or https://" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("[::]:8080", "http://127.0.0.1:8080"),
        ("localhost", "http://localhost:8000"),
        ("unix:/run/territori.sock", None),
    ],
)
def test_the_public_address_of_a_bind(bind, url):
    from territori.cli.main import public_url_for_bind

    assert public_url_for_bind(bind) == url


@pytest.mark.django_db
def test_import_framework_reports_counts_and_is_idempotent(capsys):
    NodeFactory(framework=FrameworkFactory(code="sdg"), code="9")  # the file links to SDG 9
    main(["import-framework", str(FIXTURES / "frameworks" / "good.yaml")])
    assert "nodes +4" in capsys.readouterr().out
    main(["import-framework", str(FIXTURES / "frameworks" / "good.yaml")])
    assert "nodes +0 ~0 =4" in capsys.readouterr().out


@pytest.mark.django_db
def test_bad_files_and_arguments_exit_non_zero_with_the_reason(capsys):
    with pytest.raises(SystemExit) as broken:
        main(["import-framework", str(FIXTURES / "frameworks" / "broken.yaml")])
    assert broken.value.code == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert "row 9, field 'code': duplicate code" in err
    with pytest.raises(SystemExit) as missing:
        main(["import-zones", "/nonexistent/zone.csv"])
    assert missing.value.code == 1
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as unknown:
        main(["export-framework", "nope"])
    assert unknown.value.code == 1
    assert "unknown framework 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as no_arg:
        main(["import-zones"])
    assert no_arg.value.code != 0


@pytest.mark.django_db
def test_export_framework_writes_yaml_csv_and_xlsx(tmp_path, capsysbinary):
    NodeFactory(framework=FrameworkFactory(code="sdg"), code="9")
    main(["import-framework", str(FIXTURES / "frameworks" / "good.yaml")])
    capsysbinary.readouterr()
    main(["export-framework", "test-plan"])
    exported = yaml.safe_load(capsysbinary.readouterr().out)
    assert exported["framework"]["code"] == "test-plan"
    assert [node["code"] for node in exported["nodes"]] == ["A", "A.1", "A.2", "B"]  # tree order
    assert {"from": "test-plan:A", "to": "sdg:9"}.items() <= exported["links"][0].items()
    for suffix in ("csv", "xlsx"):
        target = tmp_path / f"plan.{suffix}"
        main(["export-framework", "test-plan", "-o", str(target)])
        assert target.stat().st_size > 100
    assert target.read_bytes()[:2] == b"PK"


@pytest.mark.django_db
def test_import_zones_dry_run_then_real(capsys):
    home_tree(
        comuni={"001024": "Beinasco", "001090": "Collegno", "001120": "Grugliasco"}, zones=(2,)
    )
    path = str(FIXTURES / "zones" / "good.csv")
    main(["import-zones", path, "--dry-run"])
    assert "would create 3" in capsys.readouterr().out
    before = Membership.objects.count()
    main(["import-zones", path])
    assert Membership.objects.count() == before + 3


@pytest.mark.slow
def test_production_settings_pass_the_deploy_check(tmp_path):
    (tmp_path / "vendor").mkdir()  # made by `territori setup` on a real deployment
    env = {
        "DJANGO_SETTINGS_MODULE": "territori.settings.production",
        "SECRET_KEY": "x" * 20 + "k3Y-for-the-deploy-check-only-4f9a8b7c6d5e4f3a2b1c",
        "ALLOWED_HOSTS": "agenda.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TERRITORI_VAR": str(tmp_path),
        "TERRITORI_HTTPS": "",
        "DEBUG": "",
    }
    result = run("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {
        "DJANGO_SETTINGS_MODULE": "territori.settings.production",
        "SECRET_KEY": "",
        "TERRITORI_VAR": str(tmp_path),
    }
    result = run("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_sqlite_uses_wal_mode(tmp_path):
    from territori.settings.base import database_from_url

    config = database_from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]  # type: ignore[index]
    assert (
        database_from_url("postgres://postgres@127.0.0.1:5432/x")["ENGINE"]
        == "django.db.backends.postgresql"
    )
