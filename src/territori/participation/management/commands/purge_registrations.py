from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.participation.services import registrations_purge


class Command(BaseCommand):
    help = (
        "Delete the registrations of meetings that ended more than --days ago (default: "
        "TERRITORI_REGISTRATION_RETENTION_DAYS); attendance counts are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = settings.TERRITORI_REGISTRATION_RETENTION_DAYS
        if days < 0:
            raise CommandError(f"--days: must be 0 or more, not {days}")
        deleted = registrations_purge(days=days)
        self.stdout.write(
            f"{deleted} registration(s) deleted (meetings ended over {days} days ago)"
        )
