"""Background work of publication (django-tasks; `territori worker` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def report_build_task(report_id: int) -> float:
    from .report import report_build

    return report_build(report_id).build_seconds or 0.0


@task()
def open_data_build_task() -> list[str]:
    """Build the open-data ZIP and workbooks for the current data (publication.built_files)."""
    from .built_files import open_data_build

    return open_data_build()


def enqueue_open_data_build(**_kwargs: object) -> None:
    """`results_refreshed` receiver: rebuild the open-data files in the background, after
    the recomputation's own transaction has committed."""
    from django.db import transaction

    transaction.on_commit(open_data_build_task.enqueue)
