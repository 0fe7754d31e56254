"""The newsletter's sent issues."""

from __future__ import annotations

from ..models import (
    NewsletterIssue,
)


def sent_issues() -> list[NewsletterIssue]:
    return list(NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT))
