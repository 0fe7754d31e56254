"""Copy the front-end files the portal uses from node_modules into var/vendor."""

from __future__ import annotations

import json
import re
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


FONT_FAMILIES = {"Titillium_Web": "Titillium Web", "Lora": "Lora", "Roboto_Mono": "Roboto Mono"}
FONT_FILE = re.compile(r"-latin-ext_latin-(?P<weight>\d{3})?(?P<style>italic|regular)?\.woff2$")


def fonts_css(fonts: Path) -> str:
    """@font-face rules for Bootstrap Italia's fonts, as a file: its own `loadFonts()` writes
    them into an inline <style>, which the Content-Security-Policy (no inline styles) blocks.
    URLs are relative to vendor/bootstrap-italia/css/, where the file is written."""
    rules = []
    for folder, family in FONT_FAMILIES.items():
        for file in sorted((fonts / folder).glob("*.woff2")):
            match = FONT_FILE.search(file.name)
            if match is None:
                continue
            weight = match.group("weight") or "400"
            style = "italic" if match.group("style") == "italic" else "normal"
            woff = file.with_suffix(".woff").name
            rules.append(
                f"@font-face {{ font-family: '{family}'; font-style: {style}; "
                f"font-weight: {weight}; font-display: swap; "
                f"src: url('../fonts/{folder}/{file.name}') format('woff2'), "
                f"url('../fonts/{folder}/{woff}') format('woff'); }}"
            )
    return "\n".join(rules) + "\n"


#: CSS that vega-embed and its tooltip handler would inject as <style> elements (refused by
#: the Content-Security-Policy): taken from the pinned bundle into a file, loaded by _vega.html.
VEGA_CSS_MARKERS = (".vega-embed {", "#vg-tooltip-element {")


def _string_literal(bundle: str, marker: str) -> str:
    """The JavaScript string literal ('…' or "…") that contains `marker`, decoded."""
    at = bundle.index(marker)
    quote_at = max(bundle.rfind("'", 0, at), bundle.rfind('"', 0, at))
    quote, end = bundle[quote_at], quote_at + 1
    while bundle[end] != quote:
        end += 2 if bundle[end] == "\\" else 1
    body = bundle[quote_at + 1 : end]
    text: str = json.loads('"' + body.replace("\\'", "'").replace('"', '\\"') + '"')
    return text


def vega_css(bundle: str) -> str:
    try:
        return "\n".join(_string_literal(bundle, marker) for marker in VEGA_CSS_MARKERS)
    except (ValueError, IndexError) as exc:
        raise CommandError(f"vega-embed's styles not found in its bundle ({exc})") from exc


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
        embed = target_root / "vega-embed"
        (embed / "vega-embed.css").write_text(vega_css((embed / "vega-embed.min.js").read_text()))
        fonts = target_root / "bootstrap-italia" / "css" / "fonts.css"
        fonts.write_text(fonts_css(target_root / "bootstrap-italia" / "fonts"))
        self.stdout.write(f"copied {len(ASSETS)} asset groups to {target_root}")
