"""Table downloads as CSV (UTF-8) or Excel, with a file name."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import Http404, HttpResponse

from territori.io.tabular import write_csv, write_xlsx

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(
    header: list[str],
    rows: Sequence[Sequence[object]],
    *,
    name: str,
    fmt: str,
    sheet: str = "dati",
) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(
            write_csv(header, [list(row) for row in rows]), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            write_xlsx({sheet: [list[object](header), *(list(row) for row in rows)]}),
            content_type=XLSX_TYPE,
        )
    else:
        raise Http404(f"unknown format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
