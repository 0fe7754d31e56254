from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Queue the notification summaries of the people who chose FREQUENCY (daily or weekly):"
        " one email each with what they have not read yet. Run it from cron (daily at 7, "
        "weekly on Monday at 7); `territori worker` sends them. --now sends at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("frequency", choices=["daily", "weekly"])
        parser.add_argument(
            "--now", action="store_true", help="send in this process, not through the worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from territori.participation.services.follows import digests_send
        from territori.participation.tasks import digests_send_task

        if options["now"]:
            sent = digests_send(frequency=options["frequency"])
            self.stdout.write(f"{sent} {options['frequency']} summary email(s) sent")
            return
        digests_send_task.enqueue(options["frequency"])
        self.stdout.write(f"{options['frequency']} summaries queued for the worker")
