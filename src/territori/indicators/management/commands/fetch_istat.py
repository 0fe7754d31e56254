from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from territori.core.commands import validation_error
from territori.indicators.services import observations_import
from territori.io.errors import InputValidationError
from territori.io.istat import BASE_URL, IstatClient, IstatError

#: Replaced in tests by a client on recorded responses.
client_factory = IstatClient


class Command(BaseCommand):
    help = (
        "Fetch a dataflow from ISTAT's SDMX API (SDMX-CSV) and import it as an indicator. "
        "KEY is dot-joined in the data structure's order ('+' for several values, empty for "
        "all); --filter DIM=V1+V2 builds it for you. --list shows the dataflows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("flow", nargs="?", help="dataflow id, e.g. 22_289")
        parser.add_argument("key", nargs="?", default="", help="e.g. A.001272+ITC11.JAN.9.TOTAL.99")
        parser.add_argument("--start", type=int, help="first year")
        parser.add_argument("--end", type=int, help="last year")
        parser.add_argument("--filter", action="append", default=[], metavar="DIM=V1+V2")
        parser.add_argument("--indicator", help="indicator code to import into")
        parser.add_argument("--list", action="store_true", help="list the dataflows and stop")
        parser.add_argument("--save", metavar="FILE", help="also keep the SDMX-CSV here")
        parser.add_argument("--dry-run", action="store_true", help="validate, write nothing")
        parser.add_argument("--base-url", default=BASE_URL)
        parser.add_argument(
            "--skip-unknown-territories", action="store_true", help="leave out unknown areas"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_factory(base_url=options["base_url"])
        try:
            if options["list"]:
                for flow in client.dataflows():
                    self.stdout.write(f"{flow.id}\t{flow.name_it or flow.name_en}")
                return
            flow = options["flow"]
            if not flow:
                raise CommandError("give a dataflow id (or --list)")
            if options["start"] and options["end"] and options["start"] > options["end"]:
                raise CommandError("--start is after --end")
            key = options["key"]
            if options["filter"]:
                if key:
                    raise CommandError("give either KEY or --filter, not both")
                filters: dict[str, list[str]] = {}
                for item in options["filter"]:
                    name, sep, values = item.partition("=")
                    if not sep or not name or not values:
                        raise CommandError(f"--filter {item!r}: use DIM=V1+V2")
                    filters[name.strip()] = values.split("+")
                key = client.build_key(flow, filters)
            if not options["indicator"]:
                raise CommandError("give --indicator CODE: the indicator the values belong to")
            data = client.data_csv(flow, key or "all", start=options["start"], end=options["end"])
        except IstatError as exc:
            raise CommandError(str(exc)) from exc
        if options["save"]:
            Path(options["save"]).write_bytes(data)
        name = f"istat-{flow}-{key or 'all'}.csv".replace("/", "_")
        outcome = observations_import(
            data=data,
            filename=name,
            channel="istat",
            file_format="sdmx-csv",
            indicator=options["indicator"],
            skip_unknown_territories=options["skip_unknown_territories"],
            dry_run=options["dry_run"],
        )
        if outcome.already_imported is not None:
            self.stdout.write(f"{name}: already imported (batch #{outcome.already_imported.pk})")
            return
        if outcome.errors:
            raise validation_error(name, InputValidationError(outcome.errors))
        self.stdout.write(
            f"{'would import' if options['dry_run'] else 'imported'} {name}: "
            f"{outcome.created} created, {outcome.updated} updated, {outcome.unchanged} unchanged, "
            f"{outcome.skipped} skipped; {len(client.requests)} request(s) to ISTAT"
        )
