from __future__ import annotations

from territori.core.commands import RetentionPurgeCommand
from territori.participation.services import registrations_purge


class Command(RetentionPurgeCommand):
    help = (
        "Delete the registrations of meetings that ended more than --days ago (default: "
        "TERRITORI_REGISTRATION_RETENTION_DAYS); attendance counts are kept."
    )
    retention_setting = "TERRITORI_REGISTRATION_RETENTION_DAYS"
    report = "{deleted} registration(s) deleted (meetings ended over {days} days ago)"

    def purge(self, *, days: int) -> int:
        return registrations_purge(days=days)
