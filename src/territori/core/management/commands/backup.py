from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from territori.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Back up the database and the stored files (default and private storages) in one "
        "archive with a manifest and checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="the archive to write (default: var/backups/territori-YYYYMMDD-HHMMSS.tar.gz)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["output"]:
            path = Path(options["output"])
        else:
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"territori-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        try:
            summary = backup_write(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{summary.path}: {summary.vendor} database and {summary.files} files, "
            f"{summary.size:,} bytes"
        )
