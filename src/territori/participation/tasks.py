"""Background work of participation (django-tasks; `territori worker` runs them)."""

from __future__ import annotations

from django_tasks import task


@task()
def newsletter_send_task(issue_id: int) -> int:
    from .services.newsletter import issue_send

    return issue_send(issue_id=issue_id)


@task()
def notify_task(
    kind: str,
    title: str,
    url: str,
    targets: list[list[object]],
    direct: list[list[object]],
    exclude: list[int],
) -> int:
    """Write the notifications of a change and send the immediate emails."""
    from .services.follows import notifications_write

    return len(
        notifications_write(
            kind=kind, title=title, url=url, targets=targets, direct=direct, exclude=exclude
        )
    )


@task()
def digests_send_task(frequency: str) -> int:
    from .services.follows import digests_send

    return digests_send(frequency=frequency)


@task()
def invitations_send_task(questionnaire_id: int, user_ids: list[int], reminder: bool) -> int:
    from .services.invitations import invitations_send

    return invitations_send(questionnaire_id=questionnaire_id, user_ids=user_ids, reminder=reminder)
