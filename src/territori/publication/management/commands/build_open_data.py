from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from territori.publication.built_files import open_data_build


class Command(BaseCommand):
    help = "Build the open-data ZIP and the datasets' workbooks for the current data now."

    def handle(self, *args: Any, **options: Any) -> None:
        names = open_data_build()
        self.stdout.write(f"built {len(names)} files: {', '.join(names)}")
