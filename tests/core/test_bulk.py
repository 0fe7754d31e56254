"""Fast inserts: the rows written are those bulk_create would write, on both databases."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from territori.core.bulk import bulk_insert, bulk_insert_values
from territori.indicators.models import Assessment, Indicator, Target
from territori.territories.models import Territory

from ..factories import IndicatorFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

TARGET_FIELDS = ("indicator_id", "territory_id", "value", "year", "kind", "source", "status")


def _places(n: int) -> list[Territory]:
    return sorted(TerritoryFactory.create_batch(n), key=lambda place: place.code)


def test_rows_are_those_bulk_create_writes() -> None:
    first, second = IndicatorFactory.create_batch(2)
    places = _places(3)

    def targets(indicator: Indicator) -> list[Target]:
        return [
            # a TextChoices member, numpy numbers, a default left as it is
            Target(
                indicator=indicator,
                territory=place,
                value=np.float64(i + 0.25),
                year=np.int64(2030 + i),
                kind=Target.Kind.REGIONAL,
            )
            for i, place in enumerate(places)
        ]

    Target.objects.filter(indicator__in=[first, second]).delete()
    Target.objects.bulk_create(targets(first))
    assert bulk_insert(targets(second)) == 3

    def stored(indicator: Indicator) -> list[tuple[object, ...]]:
        rows = Target.objects.filter(indicator=indicator).order_by("year")
        return [row[1:] for row in rows.values_list(*TARGET_FIELDS)]

    assert stored(second) == stored(first)
    assert stored(second)[0] == (places[0].pk, 0.25, 2030, "regional", "", "confirmed")


def test_auto_now_and_nulls() -> None:
    indicator = IndicatorFactory()
    before = timezone.now()
    rows = [
        Assessment(
            indicator=indicator,
            territory=place,
            method="prova",
            window="long",
            status="not_assessable",
            cagr=None,
        )
        for place in _places(2)
    ]
    assert bulk_insert(rows) == 2
    stored = list(Assessment.objects.filter(indicator=indicator, method="prova"))
    assert len(stored) == 2
    for row in stored:
        assert row.cagr is None and row.start_year is None and row.reason == ""
        assert before - timedelta(seconds=1) <= row.computed_at <= timezone.now()


def test_values_without_instances_take_defaults_and_name_bad_columns() -> None:
    indicator = IndicatorFactory()
    place = _places(1)[0]
    Target.objects.filter(indicator=indicator).delete()
    columns = ("indicator_id", "territory_id", "value", "year", "kind")
    assert bulk_insert_values(Target, columns, [(indicator.pk, place.pk, 1.0, 2030, "eu")]) == 1
    target = Target.objects.get(indicator=indicator)
    assert (target.status, target.source) == ("confirmed", "")
    with pytest.raises(ValueError, match="Target has no column 'colour'"):
        bulk_insert_values(Target, ("indicator_id", "colour"), [])
    with pytest.raises(ValueError, match=r"Target\.year has no default"):
        bulk_insert_values(Target, ("indicator_id", "territory_id", "value", "kind"), [])
    with pytest.raises(TypeError, match="one model"):
        bulk_insert([Target(indicator=indicator), Assessment(indicator=indicator)])


def test_a_duplicate_is_an_integrity_error_and_nothing_is_written() -> None:
    indicator = IndicatorFactory()
    place = _places(1)[0]
    Target.objects.filter(indicator=indicator).delete()
    row = (indicator.pk, place.pk, 1.0, 2030, "eu")
    columns = ("indicator_id", "territory_id", "value", "year", "kind")
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert_values(Target, columns, [row, (indicator.pk, place.pk, 2.0, 2031, "eu"), row])
    assert not Target.objects.filter(indicator=indicator).exists()
