"""The open datasets as files: CSV (streamed), XLSX and JSON of one dataset, the data
dictionary and the bulk ZIP, all from the registry in `datasets` (rows read with
`values_list` in one query per dataset; never a live spreadsheet formula)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from territori.core import jsonsafe
from territori.io.tabular import csv_cell, xlsx_cells
from territori.territories.selectors import site_owner

from .datasets import DATASETS, Dataset


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _public_rows(dataset: Dataset) -> Iterator[list[Any]]:
    summary = (
        [column.name for column in dataset.columns].index("summary")
        if dataset.key == "incontri"
        else None
    )
    for row in dataset.rows():
        values = [_cell(value) for value in row]
        if summary is not None and not values[summary - 1]:  # not published: no summary
            values[summary] = ""
        yield values


def dataset_csv(dataset: Dataset) -> Iterator[str]:
    """The dataset as CSV text, streamed line by line (UTF-8, header first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([column.name for column in dataset.columns])
    yield flush()
    for row in _public_rows(dataset):
        writer.writerow([csv_cell(value) for value in row])
        yield flush()


def dataset_json(dataset: Dataset) -> bytes:
    names = [column.name for column in dataset.columns]
    records = [dict(zip(names, row, strict=True)) for row in _public_rows(dataset)]
    return jsonsafe.dumps(
        {"dataset": dataset.key, "licence": dataset.licence, "records": records},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def dataset_xlsx(dataset: Dataset, out: IO[bytes]) -> None:
    """The dataset as an Excel workbook written into `out` (openpyxl's write-only mode: rows
    go to disk as they come, never the whole sheet in memory)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(dataset.key[:31])
    sheet.append([column.name for column in dataset.columns])
    for row in _public_rows(dataset):
        sheet.append(xlsx_cells(sheet, row))
    columns = book.create_sheet("dizionario")
    columns.append(["column", "type", "description_it", "description_en"])
    for column in dataset.columns:
        columns.append([column.name, column.type, column.description_it, column.description_en])
    book.save(out)


def data_dictionary_rows() -> Iterable[list[str]]:
    for dataset in DATASETS.values():
        for column in dataset.columns:
            yield [
                dataset.key,
                column.name,
                column.type,
                column.description_it,
                column.description_en,
            ]


def bulk_zip(catalogue_jsonld: str, out: IO[bytes]) -> None:
    """Every dataset as CSV, the data dictionary, the catalogue and a README, in one ZIP
    written into `out`; each CSV is streamed into the archive, never held whole."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dataset in DATASETS.values():
            with archive.open(f"{dataset.key}.csv", "w") as member:
                for chunk in dataset_csv(dataset):
                    member.write(chunk.encode("utf-8"))
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["dataset", "column", "type", "description_it", "description_en"])
        writer.writerows([csv_cell(v) for v in row] for row in data_dictionary_rows())
        archive.writestr("dizionario-dati.csv", buffer.getvalue())
        archive.writestr("catalogo.jsonld", catalogue_jsonld)
        lines = [
            f"Agenda metropolitana per lo sviluppo sostenibile - {site_owner().name_it}",
            "Open data / Dati aperti",
            "",
        ]
        for dataset in DATASETS.values():
            lines.append(f"{dataset.key}.csv: {dataset.title_it} / {dataset.title_en}")
            lines.append(f"  licenza / licence: {dataset.licence}")
        lines += [
            "",
            "dizionario-dati.csv: colonne di ogni file / columns of every file",
            "catalogo.jsonld: catalogo DCAT-AP_IT / DCAT-AP_IT catalogue",
        ]
        archive.writestr("LEGGIMI.txt", "\n".join(lines) + "\n")
