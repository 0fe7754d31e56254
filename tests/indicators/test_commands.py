"""`territori fetch-istat` on recorded ISTAT responses, and `territori worker` on a queued task."""

from __future__ import annotations

import io

import pytest
from django.core.management import BaseCommand, CommandError, call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from territori.indicators.management.commands import fetch_istat
from territori.indicators.management.commands.import_indicators import refresh_report
from territori.indicators.models import Assessment, ImportBatch, Indicator, Observation
from territori.io.istat import IstatClient
from territori.territories.models import Territory
from territori.territories.services import AliasData, territory_aliases_upsert
from tests.factories import home_tree
from tests.io.test_istat import Clock, Replay

pytestmark = pytest.mark.django_db


@pytest.fixture
def replay(fixture_bytes, monkeypatch) -> Replay:
    recorded = Replay(fixture_bytes)
    monkeypatch.setattr(
        fetch_istat,
        "client_factory",
        lambda base_url: IstatClient(
            base_url=base_url, transport=recorded, clock=Clock().time, sleep=lambda s: None
        ),
    )
    return recorded


def fetch(*args: str) -> str:
    out = io.StringIO()
    call_command("fetch_istat", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def indicator() -> Indicator:
    tree = home_tree(comuni={"001272": "Torino"}, zones=(1,), members={"001272": 1})
    territory_aliases_upsert(
        items=[AliasData(territory_code=tree.home.code, alias="ITC11", scheme="nuts")]
    )
    return Indicator.objects.create(
        code="ISTAT_POP", name_it="Popolazione residente (ISTAT)", unit="persone"
    )


def test_fetch_istat_imports_the_flow_once(replay: Replay, indicator: Indicator) -> None:
    args = [
        "22_289",
        "--filter",
        "REF_AREA=001272+ITC11",
        "--filter",
        "SEX=9",
        "--filter",
        "FREQ=A",
    ]
    args += ["--start", "2024", "--end", "2025", "--indicator", "ISTAT_POP"]
    output = fetch(*args)
    assert "imported istat-22_289-A.001272+ITC11..9...csv: 3 created" in output
    # The key was built in the structure's order, and the endPeriod quirk's 2026 dropped.
    assert replay.calls[-1][0].endswith(
        "/data/22_289/A.001272+ITC11..9..?startPeriod=2024&endPeriod=2025"
    )
    rows = {
        (o.territory.code, o.year): (o.value, o.provisional)
        for o in Observation.objects.filter(indicator=indicator, batch__isnull=False)
    }
    assert rows == {
        ("001272", 2024): (841600.0, False),
        ("001272", 2025): (838000.0, True),  # OBS_STATUS P
        ("201", 2025): (2190000.0, True),  # ITC11 is the metropolitan city
    }
    batch = ImportBatch.objects.get(observations__indicator=indicator, observations__year=2024)
    assert batch.channel == "istat" and batch.state == ImportBatch.State.APPLIED
    assert "already imported" in fetch(*args)
    assert ImportBatch.objects.filter(checksum=batch.checksum).count() == 1


def test_fetch_istat_lists_flows_and_explains_bad_arguments(replay: Replay, indicator) -> None:
    listing = fetch("--list")
    assert "22_289\tPopolazione residente" in listing and "41_983" in listing
    with pytest.raises(CommandError, match="give --indicator CODE"):
        fetch("22_289", "A.001272....")
    with pytest.raises(CommandError, match="--start is after --end"):
        fetch("22_289", "A.001272....", "--start", "2025", "--end", "2020")
    with pytest.raises(CommandError, match="no dimension ITTER107"):
        fetch("22_289", "--filter", "ITTER107=001272", "--indicator", "ISTAT_POP")
    with pytest.raises(CommandError, match="not found"):
        fetch("99_999", "A", "--indicator", "ISTAT_POP")
    assert not Observation.objects.filter(indicator=indicator).exists()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_worker_runs_the_recomputation_queued_by_an_import(
    replay: Replay, indicator: Indicator, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    # The worker closes stale connections between tasks; inside the test's transaction that
    # would close the test's own connection (PostgreSQL), so it is left open here.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        fetch("22_289", "A.001272+ITC11....", "--indicator", "ISTAT_POP", "--end", "2025")
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("indicator_results_refresh_task")
    batch = ImportBatch.objects.filter(state="applied").latest("pk")
    assert queued.args_kwargs["args"] == [["ISTAT_POP"], batch.pk] and queued.status == "READY"
    assert batch.refresh_state == "pending"
    assert not Assessment.objects.filter(indicator=indicator).exists()
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL", queued.exception_class_path
    batch.refresh_from_db()
    assert batch.refresh_state == "done"
    assert Assessment.objects.filter(
        indicator=indicator, territory__code="001272", method="eurostat"
    ).exists()


def test_a_failed_recomputation_fails_the_import_and_keeps_the_previous_results(
    tmp_path, monkeypatch, client, django_capture_on_commit_callbacks, indicators
) -> None:
    from django.contrib.auth.models import User

    from territori.indicators import services

    def results() -> list[tuple[object, ...]]:
        return sorted(
            Assessment.objects.filter(indicator__code="UBB").values_list(
                "territory_id", "method", "window", "score"
            )
        )

    before = results()
    assert before

    def broken(**kwargs: object) -> dict[str, int]:
        raise RuntimeError("the analytics went wrong")

    monkeypatch.setattr(services, "indicator_results_refresh", broken)
    path = tmp_path / "indicator_UBB.csv"
    path.write_text("Year,GeoCode,Value\n2031,001272,66.5\n")
    # Inside the test's transaction the recomputation runs when this block ends (on the
    # command line it runs at the import's commit, before the command reports).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_indicators", str(path), stdout=io.StringIO())
    batch = ImportBatch.objects.filter(state="applied").latest("pk")
    assert batch.refresh_state == "failed" and "analytics went wrong" in batch.refresh_error
    with pytest.raises(CommandError) as raised:
        refresh_report(BaseCommand(stdout=io.StringIO()), batch.pk)
    message = str(raised.value)
    assert "recomputing aggregates and results failed (RuntimeError: the analytics" in message
    assert "the results stored before are unchanged" in message
    assert results() == before  # the stored results are those from before the import
    staff = User.objects.create_superuser("refresh-admin", password="x-Secret-123")
    client.force_login(staff)
    page = client.get(f"/staff/indicatori/importa/{batch.pk}/").content.decode()
    assert "il ricalcolo di aggregati, valutazioni e proiezioni non è riuscito" in page


def test_a_dry_run_names_the_changes_by_indicator_territory_and_year(tmp_path) -> None:
    from tests.factories import IndicatorFactory, ObservationFactory

    tree = home_tree(comuni={"001272": "Torino"})
    indicator = IndicatorFactory(code="DRY")
    torino = Territory.objects.get(code="001272")
    ObservationFactory(indicator=indicator, territory=torino, year=2021, value=10.0)
    ObservationFactory(
        indicator=indicator, territory=torino, year=2021, value=4.0, breakdown="sex=F"
    )
    path = tmp_path / "indicator_DRY.csv"
    path.write_text("Year,GeoCode,Sex,Value\n2021,001272,,12.5\n2021,001272,F,4.5\n")
    out = io.StringIO()
    call_command("import_indicators", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    assert "would import" in text and "2 updated" in text
    assert "DRY · 001272 · 2021: 10.0 → 12.5" in text
    assert "DRY · 001272 · 2021 [sex=F]: 4.0 → 4.5" in text
    assert f"{indicator.pk} {torino.pk} 2021" not in text  # never the internal ids
    assert Observation.objects.get(indicator=indicator, breakdown="").value == 10.0
    del tree


def test_quarterly_values_are_imported_as_years_by_each_indicator_s_rule(tmp_path) -> None:
    from territori.indicators.models import Aggregation
    from tests.factories import IndicatorFactory

    home_tree(comuni={"001272": "Torino"})
    IndicatorFactory(code="FLOW", aggregation=Aggregation.SUM)
    IndicatorFactory(code="RATE", aggregation=Aggregation.WEIGHTED_MEAN)
    path = tmp_path / "quarters.csv"
    path.write_text(
        "DATAFLOW,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
        + "".join(
            f"X,{code},001272,2022-Q{q},{q}\n" for code in ("FLOW", "RATE") for q in (1, 2, 3, 4)
        )
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_indicators", str(path), stdout=io.StringIO())
    assert "a quarterly period" in str(refused.value)
    assert not Observation.objects.exists()
    call_command("import_indicators", str(path), "--aggregate", "rule", stdout=io.StringIO())
    values = dict(Observation.objects.values_list("indicator__code", "value"))
    assert values == {"FLOW": 10.0, "RATE": 2.5}  # 1+2+3+4 and their mean
