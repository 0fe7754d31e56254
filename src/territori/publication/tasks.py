"""Background work of publication (django-tasks; `territori worker` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def report_build_task(report_id: int) -> float:
    from .report import report_build

    return report_build(report_id).build_seconds or 0.0
