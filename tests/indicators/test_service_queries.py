"""The heavy services make the same number of queries however many rows they handle: an import
of observations and the recomputation of results do not go row by row."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territori.indicators.services import indicator_results_refresh, observations_import

from ..factories import IndicatorFactory, home_tree

pytestmark = pytest.mark.django_db

COMUNI = ["001272", "001156", "001164", "001171", "001191", "001219", "001263", "001265"]


@pytest.fixture(autouse=True)
def _territory() -> None:
    """The home territory with the files' comuni in two zone omogenee."""
    home_tree(
        comuni={code: f"Comune {code}" for code in COMUNI},
        zones=(1, 2),
        members={code: 1 + index % 2 for index, code in enumerate(COMUNI)},
    )


def _queries(run: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def _file(code: str, years: range) -> bytes:
    rows = "".join(f"{year},{comune},{year % 97}.5\n" for year in years for comune in COMUNI)
    return f"Year,GeoCode,Value\n{rows}".encode()


def _import(code: str, years: range) -> int:
    IndicatorFactory(code=code, polarity=1)

    def run() -> None:
        outcome = observations_import(
            data=_file(code, years), filename=f"indicator_{code}.csv", refresh=False
        )
        assert outcome.ok, outcome.errors

    return _queries(run)


def test_an_import_makes_the_same_queries_for_ten_or_a_hundred_times_the_rows() -> None:
    small = _import("QC_SMALL", range(2010, 2012))  # 16 observations
    large = _import("QC_LARGE", range(1950, 2030))  # 640 observations
    assert large == small


def test_recomputing_results_makes_the_same_queries_for_longer_series() -> None:
    _import("QC_SHORT", range(2015, 2018))
    _import("QC_LONG", range(1960, 2024))
    short = _queries(lambda: indicator_results_refresh(codes=["QC_SHORT"]))
    long = _queries(lambda: indicator_results_refresh(codes=["QC_LONG"]))
    assert long == short
