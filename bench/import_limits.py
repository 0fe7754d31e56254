"""Benchmark: each importer on a file at its documented row limit (`territori.io.limits`),
its time and its peak memory, on a scratch SQLite database (or DATABASE_URL) with the demo.

Each import runs in a child process forked after the demo is loaded, so its peak resident
memory (ru_maxrss) is its own; the figures go in docs/performance.md.

    DJANGO_SETTINGS_MODULE=territori.settings.test python bench/import_limits.py
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territori.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/territori-bench-import.sqlite3")


def _observations(comuni: list[str]) -> str:
    from territori.io.limits import ROWS_LIMIT

    lines = ["Year,GeoCode,Sex,Age,Value"]
    for year in range(1975, 2031):
        for code in comuni:
            for sex in ("", "F", "M"):
                for age in ("", "Y0-14", "Y15-64", "Y65-"):
                    lines.append(f"{year},{code},{sex},{age},{(year * 7 + len(lines)) % 997 / 10}")
    return "\n".join(lines[: ROWS_LIMIT + 1]) + "\n"


def _framework() -> str:
    from territori.io.limits import FRAMEWORK_ROWS_LIMIT

    lines = ["framework,code,parent_code,level,title_it,title_en,description"]
    lines += [f"sdg,9.b{i},9,target,Traguardo {i},Target {i}," for i in range(FRAMEWORK_ROWS_LIMIT)]
    return "\n".join(lines) + "\n"


def _projects() -> str:
    from territori.io.limits import PROJECT_ROWS_LIMIT

    source = (
        Path(__file__).parent.parent
        / "tests"
        / "fixtures"
        / "projects"
        / "opencoesione-progetti.csv"
    ).read_text()
    header, first = source.splitlines()[:2]
    cells = first.split(";")
    lines = [header]
    for i in range(PROJECT_ROWS_LIMIT):
        cells[0], cells[1] = f"1BENCH-{i:06d}", f"J11B{i:011d}"
        lines.append(";".join(cells))
    return "\n".join(lines) + "\n"


def _programme() -> str:
    from territori.io.limits import PROGRAMME_ACTIONS_LIMIT

    actions = [
        f'    - {{code: "1.1.{i}", title: "Azione {i}", start: 2024-09, end: 2025-12, '
        f"outputs: [Rapporto], budget: {{personale_interno: 100, acquisto_servizi: 0, "
        f"spese_generali: 0, total: 100, cm: 40, mase: 60}}}}"
        for i in range(PROGRAMME_ACTIONS_LIMIT)
    ]
    return (
        "proposal:\n  duration_months: 18\n  months: {M1: 2024-09}\n"
        f"  totals: {{total: {100 * len(actions)}}}\n"
        '  categories: {"1": "Coerenza"}\n  subcategories: {"1.1": "Governance"}\n'
        "  actions:\n" + "\n".join(actions) + "\n"
    )


def _organisations() -> str:
    from territori.io.limits import ATLAS_ROWS_LIMIT

    lines = ["codice;nome;tipo;codice_fiscale;codice_ipa;comune;sito"]
    lines += [
        f"bench-{i};Organizzazione {i};ente pubblico;;;001272;" for i in range(ATLAS_ROWS_LIMIT)
    ]
    return "\n".join(lines) + "\n"


def _run(label: str, rows: int, args: Callable[[Path], list[str]], content: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    folder = Path(tempfile.mkdtemp())
    connection.close()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pid = os.fork()
    if pid == 0:  # the child imports and reports its own peak
        code = 0
        start = time.perf_counter()
        try:
            with open(os.devnull, "w") as devnull:
                call_command(*args(folder / "input"), stdout=devnull)
        except BaseException as exc:  # report, never hide, a failure
            print(f"  {label}: FAILED {str(exc)[:300]}")
            code = 1
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"{label:<32} {rows:>8,} rows  {elapsed:7.1f} s  peak {peak / 1024:7.0f} MB "
            f"(the process held {base / 1024:.0f} MB before)",
            flush=True,
        )
        os._exit(code)
    os.waitpid(pid, 0)


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from territori.demo.services import demo_load
    from territori.territories.models import Territory

    setup_test_environment()
    call_command("migrate", verbosity=0)
    if not Territory.objects.exists():
        demo_load()
    comuni = list(Territory.objects.filter(kind="comune").values_list("code", flat=True))
    cases = [
        ("observations (tidy CSV)", _observations(comuni), ".csv",
         lambda p: ["import_indicators", str(p), "--indicator", "UBB"]),
        ("framework nodes (CSV)", _framework(), ".csv", lambda p: ["import_framework", str(p)]),
        ("projects (OpenCoesione CSV)", _projects(), ".csv",
         lambda p: ["import_projects", "--opencoesione", str(p)]),
        ("programme actions (YAML)", _programme(), ".yaml",
         lambda p: ["import_programme", str(p), "--code", "bench", "--title", "Bench"]),
        ("atlas organisations (CSV)", _organisations(), ".csv",
         lambda p: ["import_atlas", str(p), "--kind", "organisations"]),
    ]  # fmt: skip
    print(f"python {sys.version.split()[0]}, database {os.environ['DATABASE_URL'].split(':')[0]}")
    for label, content, suffix, args in cases:
        rows = content.count("\n") - 1 if suffix == ".csv" else content.count("    - {")

        def with_file(
            path: Path, content: str = content, suffix: str = suffix, args=args
        ) -> list[str]:  # type: ignore[no-untyped-def]
            target = path.with_suffix(suffix)
            target.write_text(content)
            return args(target)

        _run(label, rows, with_file, content)


if __name__ == "__main__":
    main()
