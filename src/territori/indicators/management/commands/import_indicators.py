from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.core.commands import read_input_file, validation_error
from territori.indicators.models import ImportBatch, RefreshState
from territori.indicators.services import istat_wide_indicators_create, observations_import
from territori.io.errors import InputValidationError
from territori.io.observations import AGGREGATIONS, FORMATS


class Command(BaseCommand):
    help = (
        "Import indicator observations: Open SDG tidy CSV or Excel, SDMX-CSV, SDMX-ML, "
        "JSON-stat, ISTAT wide tables (Bes dei territori) or Eurostat bulk TSV. Validates the whole file first; writes nothing on any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file")
        parser.add_argument("--indicator", help="indicator code, when the file has none")
        parser.add_argument(
            "--skip-unknown-territories",
            action="store_true",
            help="leave out territories the platform does not know (counted) instead of failing",
        )
        parser.add_argument(
            "--metadata",
            help=(
                "ISTAT wide tables: the metadata sheet (CSV or Excel); indicators not yet known "
                "are created from the table and this sheet, with polarity to be confirmed"
            ),
        )
        parser.add_argument(
            "--area-dimension", default="", help="SDMX/JSON-stat: the territory dimension"
        )
        parser.add_argument(
            "--time-dimension", default="", help="SDMX/JSON-stat: the time dimension"
        )
        parser.add_argument(
            "--aggregate",
            choices=AGGREGATIONS,
            default="",
            help=(
                "make years of monthly, quarterly... values: mean, sum (complete years only), "
                "last, or rule (each indicator's: a sum for indicators summed from the comuni, "
                "else the mean); refused without it"
            ),
        )
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        data = read_input_file(path)
        if options["metadata"]:
            meta_path = options["metadata"]
            try:
                created = istat_wide_indicators_create(
                    data=data,
                    filename=Path(path).name,
                    metadata=read_input_file(meta_path),
                    metadata_name=Path(meta_path).name,
                    channel="cli",
                    dry_run=options["dry_run"],
                )
            except InputValidationError as exc:
                raise validation_error(meta_path, exc) from exc
            self.stdout.write(f"{meta_path}: {len(created)} indicators new ({', '.join(created)})")
        outcome = observations_import(
            data=data,
            filename=Path(path).name,
            channel="cli",
            file_format=options["format"],
            indicator=options["indicator"],
            skip_unknown_territories=options["skip_unknown_territories"],
            dry_run=options["dry_run"],
            area_dimension=options["area_dimension"],
            time_dimension=options["time_dimension"],
            aggregate=options["aggregate"],
        )
        if outcome.already_imported is not None:
            batch = outcome.already_imported
            self.stdout.write(
                f"{path}: already imported on {batch.applied_at:%Y-%m-%d %H:%M} "
                f"(batch #{batch.pk}); nothing changed"
            )
            return
        if outcome.errors:
            raise validation_error(path, InputValidationError(outcome.errors))
        verb = "would import" if options["dry_run"] else "imported"
        label = f" (batch #{outcome.batch.pk})" if outcome.batch else ""
        self.stdout.write(
            f"{verb} {path}{label}: {outcome.rows} observations read, {outcome.created} created, "
            f"{outcome.updated} updated, {outcome.unchanged} unchanged, "
            f"{outcome.skipped} skipped (unknown territory)"
        )
        for name, row in sorted(outcome.skipped_territories.items(), key=lambda item: item[1]):
            self.stdout.write(f"  skipped, not a known territory: {name!r} (first at row {row})")
        for change in outcome.changes[:10]:
            where = " · ".join(
                str(part) for part in (change["indicator"], change["territory"], change["year"])
            )
            breakdown = f" [{change['breakdown']}]" if change["breakdown"] else ""
            self.stdout.write(f"  {where}{breakdown}: {change['before']} → {change['after']}")
        if outcome.batch is not None:
            refresh_report(self, outcome.batch.pk)


def refresh_report(command: BaseCommand, batch_id: int) -> None:
    """Say how the recomputation that an import queued went; a failure is a failed command
    (exit 1), since the stored results no longer follow the observations."""
    batch = ImportBatch.objects.only("refresh_state", "refresh_error").get(pk=batch_id)
    if batch.refresh_state == RefreshState.FAILED:
        raise CommandError(
            f"batch #{batch_id}: the observations were written, but recomputing aggregates and "
            f"results failed ({batch.refresh_error}); the results stored before are unchanged. "
            "Fix the cause and run `territori refresh-indicators`."
        )
    if batch.refresh_state == RefreshState.PENDING:
        command.stdout.write("  recomputation of aggregates and results queued (territori worker)")
