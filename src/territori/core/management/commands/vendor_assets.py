"""Copy the front-end files the portal uses from node_modules into var/vendor."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

#: (source under node_modules, destination under vendor/); directories are copied whole.
ASSETS = [
    ("bootstrap-italia/dist/css", "bootstrap-italia/css"),
    (
        "bootstrap-italia/dist/js/bootstrap-italia.bundle.min.js",
        "bootstrap-italia/js/bootstrap-italia.bundle.min.js",
    ),
    ("bootstrap-italia/dist/svg/sprites.svg", "bootstrap-italia/svg/sprites.svg"),
    ("bootstrap-italia/dist/fonts", "bootstrap-italia/fonts"),
    ("vega/build/vega.min.js", "vega/vega.min.js"),
    ("vega-lite/build/vega-lite.min.js", "vega-lite/vega-lite.min.js"),
    ("vega-lite/build/vega-lite.min.js.map", "vega-lite/vega-lite.min.js.map"),
    ("vega-embed/build/vega-embed.min.js", "vega-embed/vega-embed.min.js"),
    ("vega-embed/build/vega-embed.min.js.map", "vega-embed/vega-embed.min.js.map"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
]


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # it creates what the static files check looks for
    help = "Copy front-end assets (Bootstrap Italia, Vega, htmx) from node_modules (run `npm ci` first)."

    def handle(self, *args: Any, **options: Any) -> None:
        source_root = Path(settings.NODE_MODULES_DIR)
        target_root = Path(settings.VENDOR_DIR)
        missing = [src for src, _ in ASSETS if not (source_root / src).exists()]
        if missing:
            raise CommandError(f"missing in {source_root}: {', '.join(missing)} (run `npm ci`)")
        for src, dst in ASSETS:
            source, target = source_root / src, target_root / dst
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)
        self.stdout.write(f"copied {len(ASSETS)} asset groups to {target_root}")
