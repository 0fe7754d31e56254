"""Background work of participation (django-tasks; `territori worker` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def newsletter_send_task(issue_id: int) -> int:
    from .services.newsletter import issue_send

    return issue_send(issue_id=issue_id)
