from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.frameworks.models import Framework
from territori.frameworks.selectors import framework_document
from territori.io.frameworks import WRITERS


class Command(BaseCommand):
    help = "Export a framework (its fields, nodes and outgoing links) as YAML, CSV or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the framework's code, e.g. amsvs-torino")
        parser.add_argument(
            "--format", choices=sorted(WRITERS), help="default: from --output's suffix, else yaml"
        )
        parser.add_argument(
            "-o", "--output", help="file to write (default: standard output; required for xlsx)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        fmt = options["format"] or (Path(output).suffix.lstrip(".").lower() if output else "yaml")
        fmt = {"yml": "yaml"}.get(fmt, fmt)
        if fmt not in WRITERS:
            raise CommandError(f"unknown format '{fmt}': use one of {', '.join(sorted(WRITERS))}")
        if fmt == "xlsx" and not output:
            raise CommandError("the xlsx format needs --output FILE")
        try:
            document = framework_document(code=options["code"])
        except Framework.DoesNotExist as exc:
            known = ", ".join(Framework.objects.values_list("code", flat=True))
            raise CommandError(f"unknown framework '{options['code']}' (known: {known})") from exc
        data = WRITERS[fmt](document)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"wrote {len(document.nodes)} nodes to {output}")
        else:
            sys.stdout.buffer.write(data)
