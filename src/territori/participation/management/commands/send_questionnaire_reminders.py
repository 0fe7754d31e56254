from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Remind the people invited to an open questionnaire who have not answered: a week "
        "after the last email, at most twice. Run it daily from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from territori.participation.services.invitations import reminders_send

        sent = reminders_send()
        self.stdout.write(f"{sent} questionnaire reminder(s) sent")
