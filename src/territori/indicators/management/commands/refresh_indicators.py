from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.indicators.models import Indicator
from territori.indicators.services import (
    indicator_results_refresh,
    peer_ranks_missing,
    peer_ranks_refresh,
)


class Command(BaseCommand):
    help = "Recompute aggregates, assessments, projections and composites (all or some indicators)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="indicator codes (default: all)")
        parser.add_argument(
            "--peer-ranks-if-missing",
            action="store_true",
            help="only store the ranks among peers, and only if none is stored yet (run by "
            "`territori setup` after an upgrade that added them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["peer_ranks_if_missing"]:
            if options["codes"]:
                raise CommandError("--peer-ranks-if-missing takes no indicator codes")
            if peer_ranks_missing():
                self.stdout.write(f"{peer_ranks_refresh()} ranks among peers stored")
            return
        codes = options["codes"] or None
        if codes:
            known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise CommandError(f"unknown indicator(s): {', '.join(unknown)}")
        counts = indicator_results_refresh(codes=codes)
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items()))
