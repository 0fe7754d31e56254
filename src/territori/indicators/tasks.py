"""Background work of the monitoring system (django-tasks; `territori worker` runs them).

With the immediate backend (tests, the local demo) a task runs at once, in the request.
"""

from __future__ import annotations

from collections.abc import Sequence

from django_tasks import task


@task()
def indicator_results_refresh_task(codes: list[str]) -> dict[str, int]:
    from .services import indicator_results_refresh

    return indicator_results_refresh(codes=codes)


def enqueue_refresh(codes: Sequence[str]) -> None:
    """Queue the recomputation of aggregates, assessments and composites for indicators."""
    indicator_results_refresh_task.enqueue(sorted(codes))
