from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.participation.services import login_failures_purge


class Command(BaseCommand):
    help = (
        "Delete failed-login records older than --days (default: "
        "TERRITORI_LOGIN_FAILURE_RETENTION_DAYS, 30). Run it daily, like purge-registrations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = settings.TERRITORI_LOGIN_FAILURE_RETENTION_DAYS
        if days < 0:
            raise CommandError(f"--days: must be 0 or more, not {days}")
        deleted = login_failures_purge(days=days)
        self.stdout.write(f"{deleted} failed-login record(s) deleted (older than {days} days)")
