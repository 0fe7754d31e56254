"""Importing observations: all or nothing, idempotent, audited; aggregation and refresh."""

from __future__ import annotations

import pytest

from territori.core.models import AuditEntry
from territori.indicators.models import Assessment, ImportBatch, Indicator, Observation
from territori.indicators.services import (
    import_batch_apply,
    indicator_aggregate,
    observations_import,
    observations_preview,
)
from territori.territories.models import Territory
from territori.territories.selectors import territory_codes_resolve
from tests.worlds import Indicators

pytestmark = pytest.mark.django_db


def test_codes_resolve_through_aliases(indicators: Indicators) -> None:
    ids = territory_codes_resolve(["ITC11", "ITC1", "1272", "001272", "IT", "ZZZ"])
    assert ids["ITC11"] == Territory.objects.get(code="201").pk
    assert ids["ITC1"] == Territory.objects.get(code="01").pk
    assert ids["1272"] == ids["001272"]
    assert "ZZZ" not in ids


def test_import_writes_keeps_the_file_and_is_idempotent(
    fixture_bytes, indicators: Indicators
) -> None:
    data = fixture_bytes("indicators", "indicator_UBB.csv")
    outcome = observations_import(data=data, filename="indicator_UBB.csv", channel="cli")
    assert outcome.ok, outcome.errors
    assert (outcome.created, outcome.updated) == (5, 0)  # ITC11 is CMTo (201) by its NUTS code
    batch = outcome.batch
    assert batch is not None and batch.state == ImportBatch.State.APPLIED
    assert bytes(batch.original) == data
    torino = Observation.objects.get(
        indicator__code="UBB", territory__code="001272", year=2025, breakdown=""
    )
    assert torino.value == 61.5 and torino.batch == batch
    again = observations_import(data=data, filename="indicator_UBB.csv", channel="cli")
    assert again.already_imported == batch and again.batch is None
    assert ImportBatch.objects.filter(checksum=batch.checksum).count() == 1


def test_changed_value_is_audited_with_its_old_value(fixture_bytes, indicators: Indicators) -> None:
    observations_import(
        data=b"Year,GeoCode,Value\n2025,001272,61.5\n", filename="indicator_UBB.csv"
    )
    entries = AuditEntry.objects.filter(model="indicators.observation").count()
    outcome = observations_import(
        data=b"Year,GeoCode,Value\n2025,001272,63\n", filename="indicator_UBB.csv"
    )
    assert (outcome.created, outcome.updated) == (0, 1)
    entry = AuditEntry.objects.filter(model="indicators.observation").latest("id")
    assert AuditEntry.objects.filter(model="indicators.observation").count() == entries + 1
    assert (entry.before["value"], entry.after["value"]) == (61.5, 63.0)


def test_broken_file_writes_nothing_but_keeps_the_upload(
    fixture_bytes, indicators: Indicators
) -> None:
    before = Observation.objects.count()
    outcome = observations_import(
        data=fixture_bytes("indicators", "tidy-broken.csv"),
        filename="tidy-broken.csv",
        indicator="UBB",
    )
    assert Observation.objects.count() == before
    assert outcome.batch is not None and outcome.batch.state == ImportBatch.State.REJECTED
    messages = {(e.row, e.field, e.message) for e in outcome.errors}
    assert (
        3,
        "Year",
        "not a year (YYYY) nor a period (YYYY-MM, YYYY-Qn, YYYY-Sn, YYYY-Wnn, a date)",
    ) in messages
    # unknown territories and duplicates are found once the reading succeeds
    fixed = b"Year,GeoCode,Value\n2025,999999,12\n2025,001272,1\n2025,001272,2\n"
    outcome = observations_import(data=fixed, filename="x.csv", indicator="UBB")
    assert {(e.row, e.field) for e in outcome.errors} == {(2, "territory"), (4, "year")}
    assert "same indicator, territory, disaggregation and year as row 3" in str(outcome.errors[-1])
    assert Observation.objects.count() == before
    skipped = observations_import(
        data=b"Year,GeoCode,Value\n2025,999999,12\n2025,001272,1\n",
        filename="y.csv",
        indicator="UBB",
        skip_unknown_territories=True,
    )
    assert skipped.ok and skipped.skipped == 1 and skipped.created == 1


def test_unknown_indicator(fixture_bytes) -> None:
    outcome = observations_import(
        data=fixture_bytes("indicators", "sdmx.csv"), filename="sdmx.csv", indicator="NOPE"
    )
    assert outcome.errors[0].field == "indicator" and outcome.errors[0].value == "NOPE"


def test_every_format_imports(fixture_bytes, indicators: Indicators) -> None:
    for name, indicator in [
        ("sdmx.csv", "POP"),
        ("sdmx-generic.xml", "POP_M"),
        ("sdmx-structure-specific.xml", "POP"),
        ("eurostat.json", "ELET"),
    ]:
        outcome = observations_import(
            data=fixture_bytes("indicators", name), filename=name, indicator=indicator
        )
        assert outcome.ok, (name, outcome.errors)
        assert outcome.created + outcome.updated > 0, name
    assert (
        Observation.objects.get(indicator__code="ELET", territory__code="01", year=2026).value
        == 8.5
    )


def test_preview_then_apply(fixture_bytes, admin_user, indicators: Indicators) -> None:
    data = fixture_bytes("indicators", "indicator_UBB.csv")
    preview = observations_preview(data=data, filename="indicator_UBB.csv", actor=admin_user)
    assert preview.batch is not None and preview.batch.state == ImportBatch.State.PREVIEWED
    assert not Observation.objects.filter(
        indicator__code="UBB", year=2025, territory__code="001272"
    ).exists()
    applied = import_batch_apply(batch=preview.batch, actor=admin_user)
    assert applied.ok and applied.batch is not None
    assert applied.batch.actor == admin_user
    preview.batch.refresh_from_db()
    assert preview.batch.state == ImportBatch.State.DISCARDED  # replaced by the applied batch


def test_import_recomputes_aggregates_and_assessments(
    django_capture_on_commit_callbacks, indicators: Indicators
) -> None:
    # A 2025 value for every comune of zona 4 → the zona's value and its coverage.
    zone = Territory.objects.get(code="ZO04")
    members = list(zone.member_links.values_list("member__code", flat=True))
    body = "Year,GeoCode,Value\n" + "".join(f"2025,{code},50\n" for code in members[:-1])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outcome = observations_import(data=body.encode(), filename="indicator_UBB.csv")
    assert outcome.ok
    # the recomputation runs after the commit (immediate backend), then it queues the
    # rebuilding of the open-data files
    assert len(callbacks) == 2
    assert "open_data_build_task" in repr(callbacks[1])
    value = Observation.objects.get(indicator__code="UBB", territory=zone, year=2025)
    assert value.value == pytest.approx(50.0)
    assert 0 < value.coverage < 1  # one comune is missing
    assessment = Assessment.objects.get(
        indicator__code="UBB", territory=zone, method="istat", window="previous"
    )
    assert assessment.end_year == 2025


def test_ratio_aggregation_matches_the_sum_of_parts(indicators: Indicators) -> None:
    indicator = Indicator.objects.get(code="SH_65")
    indicator_aggregate(indicator=indicator)
    cmto = Territory.objects.get(code="201")
    old = Observation.objects.get(indicator__code="POP_65", territory=cmto, year=2023).value
    total = Observation.objects.get(indicator__code="POP", territory=cmto, year=2023).value
    share = Observation.objects.get(indicator=indicator, territory=cmto, year=2023)
    assert share.value == pytest.approx(100 * old / total, rel=1e-12)
    assert share.coverage == 1.0


def test_disparity_is_stored_per_level_and_year_with_the_closest_population(
    indicators: Indicators,
) -> None:
    import numpy as np

    from territori.indicators.models import DisparityValue
    from territori.indicators.services.results import nearest_year

    assert nearest_year(years=np.array([2022, 2023]), year=2010) == 2022
    assert (
        nearest_year(years=np.array([2022, 2024]), year=2023) == 2022
    )  # a tie goes to the earlier
    rows = DisparityValue.objects.filter(indicator__code="UBB")
    comuni = rows.get(level="comune", year=2024)
    assert (
        comuni.count
        == Observation.objects.filter(
            indicator__code="UBB", year=2024, territory__kind="comune"
        ).count()
    )
    assert comuni.population_year == 2023 and comuni.weighted_cv is not None
    zone = rows.get(level="zona", year=2024)
    assert 2 <= zone.count <= 11
    # CMTo's value is the reference: units doing better, counted by hand (higher is better)
    metro = Observation.objects.get(indicator__code="UBB", year=2024, territory__code="201").value
    assert (
        comuni.better
        == Observation.objects.filter(
            indicator__code="UBB", year=2024, territory__kind="comune", value__gt=metro
        ).count()
    )
