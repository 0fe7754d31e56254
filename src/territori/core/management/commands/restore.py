from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.core.backup import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `territori backup`: the database and the stored files are "
        "replaced. The archive is verified first (checksums, database vendor, migrations)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--check", action="store_true", help="verify only, change nothing")
        parser.add_argument(
            "--yes", action="store_true", help="replace the current data (required to restore)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            if options["check"] or not options["yes"]:
                manifest = backup_check(path=path)
                self.stdout.write(
                    f"{path.name}: a valid backup of {manifest['created']} "
                    f"({manifest['database']['vendor']}, {len(manifest['files'])} files)"
                )
                if not options["check"]:
                    raise CommandError(
                        "restoring replaces the current database and files: add --yes"
                    )
                return
            manifest = backup_restore(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"restored {path.name} of {manifest['created']}: the database and "
            f"{len(manifest['files'])} files; run `territori setup` if this Territori is newer"
        )
