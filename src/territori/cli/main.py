"""The `territori` command: the product's own subcommands, then every Django command.

territori serve            production server (gunicorn + whitenoise) on 127.0.0.1:8000
territori setup            migrations, roles, front-end assets, static files
territori demo             load the Turin demo data (idempotent) and the staff account
territori import-framework FILE     territori export-framework CODE
territori import-zones FILE         territori import-indicators FILE
territori fetch-istat FLOW KEY      territori worker
territori import-atlas FILE [--kind organisations|networks|memberships]
territori import-projects --opencoesione FILE | --regis PROGETTI LOCALIZZAZIONE
territori import-pnrr-mapping FILE
territori purge-registrations [--days N]   territori purge-login-failures [--days N]
territori build-report YEAR         territori search-rebuild
territori backup [--output FILE]    territori restore FILE [--check | --yes]
territori assess | composite | project | coherence-metrics | convert FILE ...   (no database)
territori publiccode --url URL --maintenance TYPE [--contact ...]   (no database)
territori <any Django command> ...
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

#: Product subcommand -> Django management command.
COMMANDS = {
    "import-framework": ("import_framework", "Import a framework from YAML, CSV or Excel"),
    "export-framework": ("export_framework", "Export a framework as YAML, CSV or Excel"),
    "import-zones": ("import_zones", "Import comune → zona omogenea memberships (CSV or Excel)"),
    "import-indicators": (
        "import_indicators",
        "Import observations: tidy CSV/Excel, SDMX-CSV/ML, JSON-stat, ISTAT wide, Eurostat TSV",
    ),
    "fetch-istat": ("fetch_istat", "Fetch a dataflow from ISTAT's SDMX API and import it"),
    "import-programme": (
        "import_programme",
        "Load the Agenda's programme (actions, budget, outputs) from its YAML",
    ),
    "import-pnrr-mapping": (
        "import_pnrr_mapping",
        "Import the official PNRR measure → SNSvS / SDG mapping (Italia Domani)",
    ),
    "import-projects": (
        "import_projects",
        "Import projects from OpenCoesione or the PNRR's ReGiS files",
    ),
    "import-atlas": (
        "import_atlas",
        "Import organisations, networks and memberships (Excel workbook or CSV)",
    ),
    "import-participation": (
        "import_participation",
        "Import processes, bodies, meetings and questionnaires (participation YAML)",
    ),
    "refresh-indicators": ("refresh_indicators", "Recompute assessments, projections, composites"),
    "worker": ("db_worker", "Run background tasks (recomputation, newsletter) from the database"),
    "purge-registrations": (
        "purge_registrations",
        "Delete registrations of past meetings after the retention period (--days)",
    ),
    "send-digests": (
        "send_digests",
        "Queue the daily or weekly notification emails (daily|weekly, --now to send here)",
    ),
    "send-questionnaire-reminders": (
        "send_questionnaire_reminders",
        "Remind the invited who have not answered an open questionnaire (daily, cron)",
    ),
    "purge-login-failures": (
        "purge_login_failures",
        "Delete failed-login records after the retention period (--days)",
    ),
    "build-report": ("build_report", "Build a monitoring report now (HTML and PDF): YEAR"),
    "search-rebuild": ("search_rebuild", "Rebuild the site search index"),
    "build-open-data": (
        "build_open_data",
        "Build the open-data ZIP and workbooks for the current data (served as stored files)",
    ),
    "backup": ("backup", "Back up the database and stored files in one archive (--output)"),
    "restore": ("restore", "Restore a backup archive (--check to verify, --yes to restore)"),
    "setup-roles": ("setup_roles", "Create or update the role groups"),
    "vendor-assets": ("vendor_assets", "Copy front-end assets from node_modules"),
}
#: Analytics on plain files: no database, no Django (stable contract, docs/cli.md).
ANALYTICS = {
    "assess": "Assess trends (eurostat, istat, opensdg) of an indicator CSV/Parquet",
    "composite": "Composite index (AMPI, min-max, z-score) per territory and year",
    "project": "Project series to a target year (CAGR and linear), with gap closure",
    "coherence-metrics": "Influence, MICMAC, warnings and clusters of a square coherence matrix",
    "convert": "Any SDMX, JSON-stat, tidy or wide file as the tidy table (CSV, JSON, Parquet)",
}
OWN = {
    "serve": "Serve the portal with gunicorn on http://127.0.0.1:8000 (--bind, --workers)",
    "setup": "Migrate the database, create roles, copy and collect static files",
    "demo": "Load the Turin demo data and create the demo staff account",
    "publiccode": "Write publiccode.yml for Developers Italia's catalogue (--url, --maintenance)",
}


def _project_dir() -> Path:
    return Path(os.environ.get("TERRITORI_HOME", Path(__file__).resolve().parents[3]))


def load_local_env() -> None:
    """Read var/territori.env (written by ./run) without overriding the real environment."""
    env_file = Path(os.environ.get("TERRITORI_VAR", _project_dir() / "var")) / "territori.env"
    if not env_file.exists():
        return
    for line in env_file.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


def print_help() -> None:
    print("usage: territori COMMAND [options]   (territori COMMAND --help for its options)\n")
    print("Territori commands:")
    for name, text in OWN.items():
        print(f"  {name:<18} {text}")
    for name, text in ANALYTICS.items():
        print(f"  {name:<18} {text}")
    for name, (_django, text) in COMMANDS.items():
        print(f"  {name:<18} {text}")
    print("\nAny other COMMAND is passed to Django (migrate, createsuperuser, shell, check, ...).")


def _django(argv: Sequence[str]) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["territori", *argv])
    return 0


def public_url_for_bind(bind: str) -> str | None:
    """The address people reach a locally served site at, from gunicorn's --bind: the host and
    port (a wildcard host is reached as 127.0.0.1); None for a Unix socket."""
    if bind.startswith(("unix:", "fd://")):
        return None
    host, _sep, port = bind.rpartition(":")
    if not host:
        host, port = port, "8000"
    if host in ("0.0.0.0", "::", "[::]", ""):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def default_workers() -> int:
    """One worker per core plus one (a page is mostly CPU once its data is read), at most 9."""
    return min((os.cpu_count() or 1) + 1, 9)


def serve(argv: Sequence[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="territori serve", description=OWN["serve"])
    parser.add_argument("--bind", default=os.environ.get("TERRITORI_BIND", "127.0.0.1:8000"))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", str(default_workers()))),
        help="worker processes (default: WEB_CONCURRENCY, else one per core plus one)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("TERRITORI_THREADS", "2")),
        help="threads per worker (gthread): a worker waiting on the database serves another",
    )
    parser.add_argument(
        "--public-url",
        default=os.environ.get("TERRITORI_BASE_URL"),
        help="the site's public address, for links in emails, PDFs and cards "
        "(default: TERRITORI_BASE_URL, else the --bind address)",
    )
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    public_url = args.public_url or public_url_for_bind(args.bind)
    if public_url:
        if not public_url.startswith(("http://", "https://")):
            parser.error(f"--public-url must start with http:// or https:// (got {public_url!r})")
        os.environ["TERRITORI_BASE_URL"] = public_url  # the workers' settings read it
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "territori.wsgi:application",
        "--bind",
        args.bind,
        "--workers",
        str(args.workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(args.threads),
        # the application is imported once, before the workers fork: they share its memory
        "--preload",
        "--access-logfile",
        "-",
        "--timeout",
        "60",
    ]
    base = public_url or args.bind
    print(f"==> serving on {base} (back office: {base}/admin/); Ctrl+C stops it", flush=True)
    os.execv(sys.executable, gunicorn)
    return 0  # pragma: no cover


def setup(argv: Sequence[str]) -> int:
    for command in (
        ["vendor_assets"],
        ["migrate", "--no-input", "-v", "0"],
        # results a newer version stores, computed once for a database that predates them
        ["refresh_indicators", "--peer-ranks-if-missing"],
        ["setup_roles"],
        ["collectstatic", "--no-input", "-v", "0"],
    ):
        _django([*command, *argv])
    return 0


def demo(argv: Sequence[str]) -> int:
    _django(["load_demo", *argv])
    _django(["ensure_demo_admin"])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print_help()
        return 0
    if args[0] in ANALYTICS:
        from .analytics import run

        return run(args[0], args[1:])
    if args[0] == "publiccode":
        from .publiccode import run as write_publiccode

        return write_publiccode(args[1:])
    load_local_env()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territori.settings.production")
    command, rest = args[0], args[1:]
    if command == "serve":
        return serve(rest)
    import django

    django.setup()
    if command == "setup":
        return setup(rest)
    if command == "demo":
        return demo(rest)
    if command in COMMANDS:
        return _django([COMMANDS[command][0], *rest])
    return _django(args)


if __name__ == "__main__":
    sys.exit(main())
