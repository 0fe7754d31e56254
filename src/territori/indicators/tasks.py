"""Background work of the monitoring system (django-tasks; `territori worker` runs them).

With the immediate backend (tests, the local demo) a task runs at once, in the request.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def indicator_results_refresh_task(codes: list[str], batch_id: int | None = None) -> dict[str, int]:
    """Recompute the results of `codes`; the import batch that asked for it records whether
    it succeeded (the recomputation is all or nothing, so a failure leaves the previous
    results in place, and the batch, the staff page and the command say so)."""
    from .models import ImportBatch, RefreshState
    from .services import indicator_results_refresh

    batches = ImportBatch.objects.filter(pk=batch_id) if batch_id is not None else None
    try:
        counts = indicator_results_refresh(codes=codes)
    except Exception as exc:
        logger.exception("recomputation failed for %s", codes)
        if batches is not None:
            reason = f"{type(exc).__name__}: {exc}"[:2000]
            batches.update(refresh_state=RefreshState.FAILED, refresh_error=reason)
        raise
    if batches is not None:
        batches.update(refresh_state=RefreshState.DONE, refresh_error="")
    from territori.core.signals import results_refreshed

    results_refreshed.send(sender=indicator_results_refresh_task, codes=codes)
    return counts


def enqueue_refresh(codes: Sequence[str], *, batch_id: int | None = None) -> None:
    """Queue the recomputation of aggregates, assessments and composites for indicators."""
    indicator_results_refresh_task.enqueue(sorted(codes), batch_id)
