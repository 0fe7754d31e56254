"""Public pages of the coherence matrices: list, matrix analysis, downloads, coherence sheets."""

from __future__ import annotations

import math
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.analytics.coherence import RectangularMetrics, SquareMetrics
from territori.coherence import selectors as coh
from territori.coherence.models import Axis, Matrix, ScoreDocument, SystemMap
from territori.coherence.selectors import can_coordinate, can_score, can_view
from territori.frameworks.models import Node
from territori.io.tabular import write_csv
from territori.presentation.charts import chart_block, coverage_chart
from territori.presentation.coherence import QUADRANT_LABELS, SCORE_WORDS
from territori.presentation.coherence_charts import (
    coherence_heatmap,
    influence_scatter,
    signed_network,
)
from territori.presentation.pdf import pdf_response

CELL_HEADER = [
    "matrice",
    "riga",
    "titolo_riga",
    "colonna",
    "titolo_colonna",
    "valore",
    "concordato",
    "mediana_valutatori",
    "scarto",
    "disaccordo",
    "valutatori",
]


def _visible_matrix(request: HttpRequest, code: str) -> Matrix:
    matrix = get_object_or_404(Matrix, code=code)
    if not can_view(user=request.user, matrix=matrix):
        raise Http404(_("No such matrix"))
    return matrix


def matrix_list(request: HttpRequest) -> HttpResponse:
    matrices = coh.matrices_with_progress(user=request.user)
    systems = coh.system_maps()
    scale = [(value, _(SCORE_WORDS[value])) for value in range(3, -4, -1)]
    context = {"matrices": matrices, "scale": scale, "systems": systems}
    return render(request, "portal/coherence_list.html", context)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:+.0f}" if float(value).is_integer() else f"{value:+.1f}"


def _circle(codes: list[str]) -> dict[str, tuple[float, float]]:
    n = max(len(codes), 1)
    return {
        code: (round(math.sin(2 * math.pi * i / n), 4), round(math.cos(2 * math.pi * i / n), 4))
        for i, code in enumerate(codes)
    }


def matrix_detail(request: HttpRequest, code: str) -> HttpResponse:
    matrix = _visible_matrix(request, code)
    grid = coh.matrix_grid(matrix=matrix)
    axes = grid.axes
    row_labels = [axes.label(n, Axis.ROW) for n in axes.rows]
    column_labels = [axes.label(n, Axis.COLUMN) for n in axes.columns]
    cells_url = reverse("portal:coherence_cells", kwargs={"code": matrix.code})
    metrics_url = reverse("portal:coherence_metrics", kwargs={"code": matrix.code})
    heat_cells = [
        {
            "row": axes.label(c.row, Axis.ROW),
            "column": axes.label(c.column, Axis.COLUMN),
            "row_title": c.row.title,
            "column_title": c.column.title,
            "score": c.value,
            "label": _fmt(c.value),
        }
        for c in grid.cells.values()
        if c.value is not None
    ]
    charts: dict[str, Any] = {
        "heatmap": chart_block(
            coherence_heatmap(
                cells=heat_cells,
                rows=row_labels,
                columns=column_labels,
                description=_(
                    "Heat map of the scores of the matrix %(title)s, from -3 (red) to +3 (blue)."
                )
                % {"title": matrix.title},
            ),
            chart_id="chart-heatmap",
            csv_url=cells_url,
            title=_("The matrix"),
            wide=True,
        )
    }
    table_rows = [
        (row, label, [grid.cell(row, column) for column in axes.columns])
        for row, label in zip(axes.rows, row_labels, strict=True)
    ]
    metrics = coh.grid_metrics(grid)
    context: dict[str, Any] = {
        "matrix": matrix,
        "grid": grid,
        "scale": [(value, _(SCORE_WORDS[value])) for value in range(3, -4, -1)],
        "column_labels": list(zip(axes.columns, column_labels, strict=True)),
        "table_rows": table_rows,
        "charts": charts,
        "metrics_url": metrics_url,
        "cells_url": cells_url,
        "can_edit": can_score(user=request.user, matrix=matrix)
        or can_coordinate(user=request.user, matrix=matrix),
        "can_change_status": request.user.is_authenticated
        and (
            matrix.owner_id == request.user.pk or request.user.has_perm("coherence.change_matrix")
        ),
        "statuses": Matrix.Status.choices,
        "titles": {label: n for n, label in zip(axes.rows, row_labels, strict=True)}
        | {label: n for n, label in zip(axes.columns, column_labels, strict=True)},
    }
    if isinstance(metrics, SquareMetrics):
        records = metrics.records()
        titles = {label: n.title for n, label in zip(axes.rows, row_labels, strict=True)}
        for record in records:
            record["title"] = titles[str(record["node"])]
            record["quadrant_label"] = _(QUADRANT_LABELS[str(record["quadrant"])])
        context["square"] = metrics
        context["ranked"] = sorted(records, key=lambda r: -float(r["net"]))
        charts["scatter"] = chart_block(
            influence_scatter(
                points=records,
                description=_(
                    "Influence and dependence of each node (MICMAC, α 0.5, order 2), with the means as quadrant lines."
                ),
            ),
            chart_id="chart-scatter",
            csv_url=metrics_url,
            title=_("Who drives and who depends"),
        )
        position = _circle(row_labels)
        edges = []
        for c in grid.cells.values():
            if c.value is None or c.value == 0:
                continue
            source, target = axes.label(c.row, Axis.ROW), axes.label(c.column, Axis.COLUMN)
            (x, y), (x2, y2) = position[source], position[target]
            edges.append(
                {
                    "x": x,
                    "y": y,
                    "x2": x2,
                    "y2": y2,
                    "score": c.value,
                    "strength": abs(c.value),
                    "sign": _("positive") if c.value > 0 else _("negative"),
                    "source": source,
                    "target": target,
                }
            )
        charts["network"] = chart_block(
            signed_network(
                nodes=[
                    {"node": code, "title": titles[code], "x": x, "y": y}
                    for code, (x, y) in position.items()
                ],
                edges=edges,
                description=_(
                    "Signed network of the interactions: blue solid lines reinforce, red dashed lines conflict; thicker is stronger."
                ),
            ),
            chart_id="chart-network",
            csv_url=cells_url,
            title=_("Network of interactions"),
        )
    else:
        assert isinstance(metrics, RectangularMetrics)
        titles = {label: n.title for n, label in zip(axes.columns, column_labels, strict=True)}
        context["rect"] = metrics
        context["rows_ranked"] = sorted(
            zip(metrics.rows, axes.rows, strict=True), key=lambda pair: -pair[0].positive
        )
        bars = []
        for col in metrics.columns:
            bars.append(
                {
                    "column": col.node,
                    "title": titles[col.node],
                    "kind": _("contributions"),
                    "value": col.strength,
                }
            )
            bars.append(
                {
                    "column": col.node,
                    "title": titles[col.node],
                    "kind": _("conflicts"),
                    "value": col.negative,
                }
            )
        charts["coverage"] = chart_block(
            coverage_chart(
                bars=bars,
                columns=column_labels,
                description=_(
                    "For each column, the sum of the positive scores it receives (above zero) and of the negative ones (below)."
                ),
            ),
            chart_id="chart-coverage",
            csv_url=metrics_url,
            title=_("Coverage of the columns"),
        )
        context["column_titles"] = titles
    return render(request, "portal/coherence_matrix.html", context)


def _cell_rows(matrix: Matrix, grid: coh.Grid) -> list[list[object]]:
    rows: list[list[object]] = []
    for cell in grid.cells.values():
        rows.append(
            [
                matrix.code,
                grid.axes.label(cell.row, Axis.ROW),
                cell.row.title_it,
                grid.axes.label(cell.column, Axis.COLUMN),
                cell.column.title_it,
                cell.value,
                cell.agreed.score if cell.agreed else None,
                cell.median,
                cell.spread,
                cell.disagree,
                len(cell.scores),
            ]
        )
    return rows


def matrix_cells_csv(request: HttpRequest, code: str) -> HttpResponse:
    matrix = _visible_matrix(request, code)
    grid = coh.matrix_grid(matrix=matrix)
    response = HttpResponse(
        write_csv(CELL_HEADER, _cell_rows(matrix, grid)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{matrix.code}-celle.csv"'
    return response


def matrix_metrics_csv(request: HttpRequest, code: str) -> HttpResponse:
    matrix = _visible_matrix(request, code)
    metrics = coh.grid_metrics(coh.matrix_grid(matrix=matrix))
    if isinstance(metrics, SquareMetrics):
        records = metrics.records()
        header = list(records[0]) if records else ["node"]
        body = [[r[k] for k in header] for r in records]
    else:
        assert isinstance(metrics, RectangularMetrics)
        header = [
            "nodo",
            "asse",
            "positivi",
            "negativi",
            "contributori",
            "conflitti",
            "minimo",
            "celle_valutate",
            "tocca",
        ]
        body = [
            [r.node, "riga", r.positive, r.negative, "", "", "", "", " ".join(r.touched)]
            for r in metrics.rows
        ]
        body += [
            [
                c.node,
                "colonna",
                c.strength,
                c.negative,
                c.contributors,
                c.conflicts,
                c.worst,
                c.scored,
                "",
            ]
            for c in metrics.columns
        ]
    response = HttpResponse(write_csv(header, body), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{matrix.code}-metriche.csv"'
    return response


def evidence_document(request: HttpRequest, pk: int) -> HttpResponse:
    """A document given as evidence, to whoever may see its matrix."""
    document = get_object_or_404(ScoreDocument.objects.select_related("score__matrix"), pk=pk)
    if not can_view(user=request.user, matrix=document.score.matrix):
        raise Http404(_("No such document"))
    response = HttpResponse(bytes(document.content), content_type=document.media_type)
    response["Content-Disposition"] = f'attachment; filename="{document.name}"'
    return response


def _sheet_context(request: HttpRequest, framework: str, code: str) -> dict[str, Any]:
    node = get_object_or_404(
        Node.objects.select_related("framework", "parent"), framework__code=framework, code=code
    )
    sheet = coh.node_sheet(node=node, user=request.user)
    indicators = coh.sheet_indicators(nodes=[node, *sheet.related_nodes])
    return {
        "node": node,
        "sheet": sheet,
        "indicators": indicators,
        "today": timezone.localdate(),
        "version": max((m.updated_at for m in sheet.matrices), default=None),
        "illustrative": any(m.is_illustrative for m in sheet.matrices),
    }


def node_sheet(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    context = _sheet_context(request, framework, code)
    return render(request, "portal/coherence_sheet.html", context)


def node_sheet_pdf(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    """The same sheet as a PDF laid out like an official document (WeasyPrint)."""
    context = _sheet_context(request, framework, code)
    return pdf_response(
        request,
        "portal/coherence_sheet_print.html",
        context,
        f"scheda-coerenza-{framework}-{code}.pdf",
    )


def system_map(request: HttpRequest, code: str) -> HttpResponse:
    """A Mission's systems map: its factors, the signed and delayed influences, drawn as a
    network, and its feedback loops, named (R reinforcing, B balancing)."""
    system = get_object_or_404(SystemMap.objects.select_related("node__framework"), code=code)
    view = coh.system_view(system=system)
    chart = None
    if view.influences:
        position = _circle([f.code for f in view.factors])
        label = {f.code: f.label for f in view.factors}
        chart = chart_block(
            signed_network(
                nodes=[
                    {
                        "node": f.node.code if f.node else f.label[:24],
                        "title": f.label,
                        "x": position[f.code][0],
                        "y": position[f.code][1],
                    }
                    for f in view.factors
                ],
                edges=[
                    {
                        "x": position[i.source.code][0],
                        "y": position[i.source.code][1],
                        "x2": position[i.target.code][0],
                        "y2": position[i.target.code][1],
                        "score": i.sign * i.strength,
                        "strength": i.strength,
                        "sign": _("positive") if i.sign > 0 else _("negative"),
                        "source": label[i.source.code],
                        "target": label[i.target.code],
                    }
                    for i in view.influences
                ],
                description=_(
                    "The factors on a circle and the influences between them: blue solid "
                    "lines push the same way, red dashed lines the opposite way; thicker is "
                    "stronger. Directions and delays are in the table."
                ),
            ),
            chart_id="chart-system",
            csv_url=reverse("portal:system_map_csv", args=[code]),
            title=_("Network of influences"),
        )
    context = {
        "view": view,
        "system": system,
        "chart": chart,
        "can_edit": coh.can_edit_system(user=request.user, system=system),
    }
    return render(request, "portal/system_map.html", context)


def system_map_csv(request: HttpRequest, code: str) -> HttpResponse:
    system = get_object_or_404(SystemMap, code=code)
    view = coh.system_view(system=system)
    header = ["da", "verso", "segno", "intensita", "ritardo_anni", "nota", "matrice", "stato_dati"]
    rows: list[list[object]] = [
        [
            i.source.code,
            i.target.code,
            "+" if i.sign > 0 else "-",
            i.strength,
            i.delay,
            i.note,
            i.matrix.code if i.matrix else "",
            system.data_status,
        ]
        for i in view.influences
    ]
    response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sistema-{code}.csv"'
    return response
