from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from territori.publication.search import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the site search index (after imports; pages are indexed when saved)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{search_rebuild()} search entries (Italian and English)")
