"""Open SDG in the stored results: the indicator's own base year, and the result of an
indicator with breakdowns as a whole (methods.md §4), shown on its page."""

from __future__ import annotations

import pytest
from django.test import Client

from territori.indicators.models import Assessment, Target
from territori.indicators.services.results import indicator_results_refresh
from territori.territories.models import Territory
from tests.factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db


def _series(indicator, territory, breakdown: str, values: dict[int, float]) -> None:
    for year, value in values.items():
        ObservationFactory(
            indicator=indicator, territory=territory, breakdown=breakdown, year=year, value=value
        )


@pytest.fixture
def city() -> Territory:
    return Territory.objects.create(code="201", kind=Territory.Kind.METRO_CITY, name="Città")


def test_the_indicator_s_base_year_is_used(city: Territory) -> None:
    indicator = IndicatorFactory(code="BASE", polarity=1)
    _series(indicator, city, "", {2012: 100.0, 2015: 110.0, 2020: 121.0})
    indicator_results_refresh(codes=["BASE"])
    default = Assessment.objects.get(indicator=indicator, method="opensdg", window="full")
    assert default.start_year == 2015
    indicator.base_year = 2012
    indicator.save()
    indicator_results_refresh(codes=["BASE"])
    chosen = Assessment.objects.get(indicator=indicator, method="opensdg", window="full")
    assert chosen.start_year == 2012
    assert chosen.cagr == pytest.approx(1.21 ** (1 / 8) - 1)


def test_an_indicator_with_breakdowns_gets_its_own_result(client: Client, city: Territory) -> None:
    indicator = IndicatorFactory(code="SEX", polarity=1, name_it="Per sesso")
    Target.objects.create(indicator=indicator, value=80, year=2030)
    _series(indicator, city, "", {2015: 50.0, 2024: 85.0})  # met: 5
    _series(indicator, city, "sesso=F", {2015: 50.0, 2024: 82.0})  # met: 5
    # no change: observed growth 0, ratio 0 → 4.1667 × 0 - 2.5 = -2.5
    _series(indicator, city, "sesso=M", {2015: 50.0, 2024: 50.0})
    _series(indicator, city, "sesso=X", {2024: 1.0})  # one value: not assessed
    indicator_results_refresh(codes=["SEX"])
    level = Assessment.objects.get(indicator=indicator, method="opensdg", window="indicator")
    # (5 + 5 - 2.5) / 3 = 2.5 → substantial progress (not "target achieved": M has not met it)
    assert level.score == pytest.approx(2.5)
    assert level.status == "substantial_progress"
    assert (level.series, level.series_assessed) == (4, 3)
    total = Assessment.objects.get(indicator=indicator, method="opensdg", window="full")
    assert total.status == "target_achieved"  # the total alone has met it
    page = client.get("/en/indicatori/SEX/").content.decode()
    table = page.split('id="assessment-methods"')[1].split("</table>")[0]
    assert "Open SDG, the indicator with all its breakdowns" in table
    assert "3 of 4 series assessed" in table and "substantial progress" in table
    # an indicator without breakdowns has no such column
    plain = IndicatorFactory(code="PLAIN", polarity=1)
    _series(plain, city, "", {2015: 1.0, 2020: 2.0})
    indicator_results_refresh(codes=["PLAIN"])
    assert not Assessment.objects.filter(indicator=plain, window="indicator").exists()
    assert "all its breakdowns" not in client.get("/en/indicatori/PLAIN/").content.decode()


def test_every_series_meeting_the_target_makes_the_indicator_achieve_it(city: Territory) -> None:
    indicator = IndicatorFactory(code="ALL", polarity=-1)
    Target.objects.create(indicator=indicator, value=0, year=2030)  # "reduce to zero"
    _series(indicator, city, "", {2015: 10.0, 2024: 0.0})
    _series(indicator, city, "eta=giovani", {2015: 4.0, 2024: 0.0})
    indicator_results_refresh(codes=["ALL"])
    level = Assessment.objects.get(indicator=indicator, window="indicator")
    assert (level.status, level.score) == ("target_achieved", 5.0)
