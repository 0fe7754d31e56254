from __future__ import annotations

from territori.core.commands import RetentionPurgeCommand
from territori.participation.services import login_failures_purge


class Command(RetentionPurgeCommand):
    help = (
        "Delete failed-login records older than --days (default: "
        "TERRITORI_LOGIN_FAILURE_RETENTION_DAYS, 30). Run it daily, like purge-registrations."
    )
    retention_setting = "TERRITORI_LOGIN_FAILURE_RETENTION_DAYS"
    report = "{deleted} failed-login record(s) deleted (older than {days} days)"

    def purge(self, *, days: int) -> int:
        return login_failures_purge(days=days)
