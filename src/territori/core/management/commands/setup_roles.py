from typing import Any

from django.core.management.base import BaseCommand

from territori.core.roles import roles_ensure


class Command(BaseCommand):
    help = "Create or update the role groups (administrator, editor, analyst, moderator)."

    def handle(self, *args: Any, **options: Any) -> None:
        for role, count in roles_ensure().items():
            self.stdout.write(f"{role}: {count} permissions")
