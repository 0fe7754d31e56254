"""Writes of publication: queueing report builds, commentary, pages, the search index."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from territori.core.audit import audit_record, snapshot

from .models import Page, Report


def report_build_request(*, report: Report) -> bool:
    """Queue a build of the report; False when one is already queued or running."""
    with transaction.atomic():
        updated = (
            Report.objects.filter(pk=report.pk)
            .exclude(state__in=[Report.State.QUEUED, Report.State.RUNNING])
            .update(state=Report.State.QUEUED, progress=0, progress_message="")
        )
        if not updated:
            return False

        def enqueue() -> None:
            from .tasks import report_build_task

            report_build_task.enqueue(report.pk)

        transaction.on_commit(enqueue)
    report.refresh_from_db()
    return True


def page_publish(*, page: Page, actor: Any) -> Page:
    """Publish a page or news post (its date is set the first time); the search index
    follows when the transaction commits."""
    with transaction.atomic():
        before = snapshot(page)
        page.published = True
        page.published_at = page.published_at or timezone.now()
        page.save(update_fields=["published", "published_at", "updated_at"])
        audit_record(instance=page, action="update", before=before, actor=actor, channel="web")
    return page
