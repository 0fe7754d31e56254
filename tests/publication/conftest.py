"""A report built once per session (about a minute): the report tests and pages share it."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def built_report(django_db_setup: Any, django_db_blocker: Any) -> Any:
    from territori.demo.publication import REPORT_YEAR
    from territori.publication.models import Report
    from territori.publication.report import report_build

    with django_db_blocker.unblock():
        report = Report.objects.get(year=REPORT_YEAR)
        if report.state != Report.State.DONE:
            report = report_build(report.pk)
    return report
