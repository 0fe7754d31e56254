"""The publication commands: build a report, rebuild the search index."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from territori.cli.main import main
from territori.publication.models import SearchEntry

pytestmark = pytest.mark.django_db


def test_build_report_names_the_missing_year() -> None:
    from territori.publication.models import Report

    Report.objects.create(year=2025, title_it="Rapporto di prova")
    with pytest.raises(CommandError, match=r"year: no report for 1900 \(reports: 2025\)"):
        call_command("build_report", "1900")


def test_search_rebuild_indexes_everything_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)
    before = SearchEntry.objects.count()
    SearchEntry.objects.filter(kind="territory").delete()
    main(["search-rebuild"])
    assert f"{before} search entries" in capsys.readouterr().out
    assert SearchEntry.objects.count() == before
