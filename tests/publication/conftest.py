"""The monitoring report of the open-data world (tests.worlds), built once for the module that
asks for it: the report tests and pages share it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.worlds import held, open_data_build


@pytest.fixture(scope="module")
def built_report(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
    """The demo's report frame and commentary (demo_publication_load) over the open-data
    world, built (see `tests.worlds.held`)."""
    from territori.demo.publication import REPORT_YEAR, demo_publication_load
    from territori.publication.models import Report
    from territori.publication.report import report_build

    with held(django_db_blocker):
        with django_db_blocker.unblock():
            open_data_build()
            demo_publication_load()
            report = report_build(Report.objects.get(year=REPORT_YEAR).pk)
        yield report
