"""Reads of the coherence matrices, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Prefetch, Q, QuerySet

from territori.analytics.coherence import (
    RectangularMetrics,
    SquareMetrics,
    agreement,
    rectangular_metrics,
    square_metrics,
)
from territori.analytics.loops import BALANCING, REINFORCING, feedback_loops
from territori.analytics.loops import Link as LoopLink
from territori.core.models import AuditEntry
from territori.core.rows import Row, RowList
from territori.frameworks.models import Link, Node
from territori.indicators.models import Assessment, Indicator
from territori.territories.selectors import home_territory_code

from .models import (
    AgreedScore,
    Axis,
    Factor,
    Influence,
    Matrix,
    MatrixNode,
    Score,
    ScoreDocument,
    SystemMap,
)

#: A user of django.contrib.auth (or AnonymousUser).
User = Any


def can_view(*, user: User, matrix: Matrix) -> bool:
    if matrix.status == Matrix.Status.PUBLISHED:
        return True
    if not user.is_authenticated:
        return False
    return bool(
        user.has_perm("coherence.view_matrix")
        or matrix.owner_id == user.pk
        or matrix.assessors.filter(pk=user.pk).exists()
    )


def can_score(*, user: User, matrix: Matrix) -> bool:
    """Only the matrix's assessors score it, and only until it is published."""
    return (
        user.is_authenticated
        and matrix.status != Matrix.Status.PUBLISHED
        and matrix.assessors.filter(pk=user.pk).exists()
    )


def can_coordinate(*, user: User, matrix: Matrix) -> bool:
    """The coordinator (owner) or whoever may change matrices records agreed scores."""
    return bool(
        user.is_authenticated
        and matrix.status != Matrix.Status.PUBLISHED
        and (matrix.owner_id == user.pk or user.has_perm("coherence.change_matrix"))
    )


# Axes ------------------------------------------------------------------------------------


@dataclass
class Axes:
    rows: list[Node]
    columns: list[Node]

    @property
    def square(self) -> bool:
        return {n.pk for n in self.rows} == {n.pk for n in self.columns}

    def keys(self, axis: str) -> dict[str, Node]:
        """Codes a file may use for the nodes of one axis: 'code', or 'framework:code'."""
        nodes = self.rows if axis == Axis.ROW else self.columns
        plain: dict[str, list[Node]] = {}
        for node in nodes:
            plain.setdefault(node.code, []).append(node)
        keys = {f"{n.framework.code}:{n.code}": n for n in nodes}
        keys.update({code: found[0] for code, found in plain.items() if len(found) == 1})
        return keys

    def label(self, node: Node, axis: str) -> str:
        nodes = self.rows if axis == Axis.ROW else self.columns
        unique = sum(1 for n in nodes if n.code == node.code) == 1
        return node.code if unique else f"{node.framework.code}:{node.code}"


def matrix_axes(*, matrix: Matrix) -> Axes:
    rows: list[Node] = []
    columns: list[Node] = []
    for item in (
        MatrixNode.objects.filter(matrix=matrix)
        .select_related("node__framework")
        .defer("node__search_text")
        .order_by("order", "id")
    ):
        (rows if item.axis == Axis.ROW else columns).append(item.node)
    return Axes(rows=rows, columns=columns)


def matrices_visible(user: User) -> QuerySet[Matrix]:
    """Published matrices for everyone; drafts too for staff who may view matrices."""
    queryset = Matrix.objects.all()
    if not (user.is_authenticated and user.has_perm("coherence.view_matrix")):
        visible = Q(status=Matrix.Status.PUBLISHED)
        if user.is_authenticated:
            visible |= Q(owner=user.pk) | Q(assessors=user.pk)
        queryset = queryset.filter(visible).distinct()
    return queryset.annotate(
        n_rows=Count("axis_nodes", filter=Q(axis_nodes__axis=Axis.ROW), distinct=True),
        n_columns=Count("axis_nodes", filter=Q(axis_nodes__axis=Axis.COLUMN), distinct=True),
    ).order_by("status", "-updated_at")


@dataclass
class Cell:
    row: Node
    column: Node
    scores: list[Score] = field(default_factory=list)
    agreed: AgreedScore | None = None
    mine: Score | None = None

    @property
    def median(self) -> float | None:
        return agreement([s.score for s in self.scores])[0]

    @property
    def spread(self) -> float:
        return agreement([s.score for s in self.scores])[1]

    @property
    def disagree(self) -> bool:
        return agreement([s.score for s in self.scores])[2]

    @property
    def value(self) -> float | None:
        """The agreed score, else the median of the assessors' scores, else None."""
        if self.agreed is not None:
            return float(self.agreed.score)
        return self.median

    @property
    def scored(self) -> bool:
        return self.value is not None


@dataclass
class Grid:
    matrix: Matrix
    axes: Axes
    cells: dict[tuple[int, int], Cell]

    def cell(self, row: Node, column: Node) -> Cell | None:
        return self.cells.get((row.pk, column.pk))

    @property
    def total(self) -> int:
        return len(self.cells)

    @property
    def scored(self) -> int:
        return sum(1 for c in self.cells.values() if c.scored)

    @property
    def progress(self) -> int:
        return round(100 * self.scored / self.total) if self.total else 0

    def values(self) -> np.ndarray:
        """Rows × columns of the cells' values, NaN where not scored (and on the diagonal)."""
        a = np.full((len(self.axes.rows), len(self.axes.columns)), np.nan)
        for i, row in enumerate(self.axes.rows):
            for j, column in enumerate(self.axes.columns):
                cell = self.cells.get((row.pk, column.pk))
                if cell is not None and cell.value is not None:
                    a[i, j] = cell.value
        return a


def matrix_grid(*, matrix: Matrix, user: User | None = None) -> Grid:
    """Every cell with its assessors' scores (and their documents), the agreed score and the
    user's own (5 queries)."""
    axes = matrix_axes(matrix=matrix)
    cells = {
        (row.pk, column.pk): Cell(row=row, column=column)
        for row in axes.rows
        for column in axes.columns
        if not (axes.square and row.pk == column.pk)
    }
    for score in (
        Score.objects.filter(matrix=matrix)
        .select_related("assessor")
        .prefetch_related(Prefetch("documents", queryset=ScoreDocument.objects.defer("content")))
        .order_by("assessor_id")
    ):
        cell = cells.get((score.row_id, score.column_id))
        if cell is None:
            continue  # a node no longer on the matrix
        cell.scores.append(score)
        if user is not None and score.assessor_id == user.pk:
            cell.mine = score
    for agreed in AgreedScore.objects.filter(matrix=matrix):
        if (cell := cells.get((agreed.row_id, agreed.column_id))) is not None:
            cell.agreed = agreed
    return Grid(matrix=matrix, axes=axes, cells=cells)


def grid_metrics(
    grid: Grid, *, alpha: float = 0.5, order: int = 2
) -> SquareMetrics | RectangularMetrics:
    values = grid.values()
    if grid.axes.square and grid.axes.rows:
        # columns in the rows' order, so that the matrix is square with a true diagonal
        position = {n.pk: j for j, n in enumerate(grid.axes.columns)}
        values = values[:, [position[n.pk] for n in grid.axes.rows]]
        codes = [grid.axes.label(n, Axis.ROW) for n in grid.axes.rows]
        return square_metrics(values, codes, alpha=alpha, order=order)
    return rectangular_metrics(
        values,
        [grid.axes.label(n, Axis.ROW) for n in grid.axes.rows],
        [grid.axes.label(n, Axis.COLUMN) for n in grid.axes.columns],
    )


def cell_history(*, matrix: Matrix, row: Node, column: Node) -> list[AuditEntry]:
    """Every change to the cell's scores and agreed score, newest first (1 query).

    Entries are matched by the cell they describe, so a deleted score keeps its history.
    """
    cell = {"matrix_id": matrix.pk, "row_id": row.pk, "column_id": column.pk}
    entries = AuditEntry.objects.filter(
        Q(model__in=["coherence.score", "coherence.agreedscore"])
        & (
            Q(**{f"after__{k}": v for k, v in cell.items()})
            | Q(**{f"before__{k}": v for k, v in cell.items()})
        )
    )
    return list(entries.select_related("actor").order_by("-timestamp", "-id"))


@dataclass
class SheetLine:
    matrix: Matrix
    other: Node  # the node on the other axis
    score: float
    cell: Cell
    direction: str  # "out": the sheet's node acts on `other`; "in": it is acted on


@dataclass
class Sheet:
    """The coherence sheet of one node: its contributions and conflicts in every matrix."""

    node: Node
    contributions: list[SheetLine]
    conflicts: list[SheetLine]
    neutral: int
    links: list[Link]
    related_nodes: list[Node]  # linked nodes, used to find indicators
    matrices: list[Matrix]


def node_sheet(*, node: Node, user: User) -> Sheet:
    """Contributions (>0) and conflicts (<0) of a node across the matrices the user may see."""
    matrix_ids = list(
        MatrixNode.objects.filter(node=node).values_list("matrix_id", flat=True).distinct()
    )
    matrices = [
        m for m in Matrix.objects.filter(pk__in=matrix_ids) if can_view(user=user, matrix=m)
    ]
    contributions: list[SheetLine] = []
    conflicts: list[SheetLine] = []
    neutral = 0
    for matrix in matrices:
        grid = matrix_grid(matrix=matrix)
        for cell in grid.cells.values():
            if node.pk not in (cell.row.pk, cell.column.pk) or cell.value is None:
                continue
            out = cell.row.pk == node.pk
            line = SheetLine(
                matrix=matrix,
                other=cell.column if out else cell.row,
                score=cell.value,
                cell=cell,
                direction="out" if out else "in",
            )
            if cell.value > 0:
                contributions.append(line)
            elif cell.value < 0:
                conflicts.append(line)
            else:
                neutral += 1
    contributions.sort(key=lambda line: -line.score)
    conflicts.sort(key=lambda line: line.score)
    links = list(
        Link.objects.filter(Q(source_node=node) | Q(target_node=node)).select_related(
            "source_node__framework", "target_node__framework"
        )
    )
    related: dict[int, Node] = {}
    for link in links:
        other = link.target_node if link.source_node_id == node.pk else link.source_node
        related[other.pk] = other
    for line in contributions + conflicts:
        related[line.other.pk] = line.other
    return Sheet(
        node=node,
        contributions=contributions,
        conflicts=conflicts,
        neutral=neutral,
        links=links,
        related_nodes=list(related.values()),
        matrices=matrices,
    )


@dataclass(frozen=True)
class SheetIndicator:
    """An indicator on a coherence sheet with the home territory's long-term assessment."""

    indicator: Indicator
    assessment: Assessment | None


def sheet_indicators(*, nodes: list[Node]) -> list[SheetIndicator]:
    """Indicators tagged to the given nodes, with the home territory's long-term assessment
    (Eurostat method; 2 queries)."""
    indicators = list(
        Indicator.objects.filter(nodes__in=[n.pk for n in nodes]).distinct().order_by("code")
    )
    assessed = {
        assessment.indicator_id: assessment
        for assessment in Assessment.objects.filter(
            indicator__in=indicators,
            territory__code=home_territory_code(),
            method="eurostat",
            window="long",
        )
    }
    return [SheetIndicator(indicator, assessed.get(indicator.pk)) for indicator in indicators]


def matrix_progress(matrices: list[Matrix]) -> dict[int, tuple[int, int]]:
    """Per matrix: (cells with a value, cells in all), in 3 queries whatever the number."""
    sizes: dict[int, dict[str, set[int]]] = defaultdict(lambda: {"row": set(), "column": set()})
    for matrix_id, axis, node_id in MatrixNode.objects.filter(matrix__in=matrices).values_list(
        "matrix_id", "axis", "node_id"
    ):
        sizes[matrix_id][axis].add(node_id)
    valued: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for model in (Score, AgreedScore):
        for matrix_id, row_id, column_id in model.objects.filter(matrix__in=matrices).values_list(
            "matrix_id", "row_id", "column_id"
        ):
            valued[matrix_id].add((row_id, column_id))
    result = {}
    for matrix in matrices:
        rows, columns = sizes[matrix.pk]["row"], sizes[matrix.pk]["column"]
        square = rows == columns
        total = len(rows) * len(columns) - (len(rows) if square else 0)
        inside = {
            (r, c)
            for r, c in valued[matrix.pk]
            if r in rows and c in columns and not (square and r == c)
        }
        result[matrix.pk] = (len(inside), total)
    return result


# --- Plain rows for the API (published matrices only) ----------------------------------------


def published_matrices() -> QuerySet[Matrix]:
    return Matrix.objects.filter(status=Matrix.Status.PUBLISHED)


def published_matrix_rows() -> list[Row]:
    rows = (
        published_matrices()
        .order_by("code")
        .values(
            "code", "title_it", "title_en", "analysis", "direction", "data_status", "published_at"
        )
    )
    return [dict(row) for row in rows]


def agreed_score_rows(*, matrix: Matrix) -> RowList:
    """The agreed scores of a matrix, by row and column code."""
    names = ("row_framework", "row", "column_framework", "column", "score")
    values = (
        AgreedScore.objects.filter(matrix=matrix)
        .order_by("row__code", "column__code")
        .values_list(
            "row__framework__code", "row__code", "column__framework__code", "column__code", "score"
        )
    )
    return RowList(values, names)


@dataclass
class MatrixProgress:
    """A matrix and how far its scoring has gone."""

    matrix: Matrix
    scored: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.total) if self.total else 0


def matrices_with_progress(*, user: User) -> list[MatrixProgress]:
    """The matrices the user may see, with the cells scored of each (4 queries)."""
    matrices = list(matrices_visible(user))
    progress = matrix_progress(matrices)
    return [MatrixProgress(m, *progress.get(m.pk, (0, 0))) for m in matrices]


# --- Systems maps ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemLoop:
    name: str  # R1, R2 … B1 …
    polarity: str
    factors: list[Factor]
    delay: int


@dataclass(frozen=True)
class SystemView:
    system: SystemMap
    factors: list[Factor]
    influences: list[Influence]
    loops: list[SystemLoop]
    truncated: bool


def can_edit_system(*, user: User, system: SystemMap) -> bool:
    """The analysts, and the accounts the map names as its editors (a lab's participants)."""
    if not user.is_authenticated:
        return False
    if user.has_perm("coherence.change_systemmap"):
        return True
    return system.editors.filter(pk=user.pk).exists()


def system_maps(*, node: Node | None = None) -> list[SystemMap]:
    maps = SystemMap.objects.select_related("node__framework").order_by("code")
    if node is not None:
        maps = maps.filter(node=node)
    return list(maps.annotate(n_factors=Count("factors", distinct=True)))


def system_view(*, system: SystemMap) -> SystemView:
    """The map's factors, influences and feedback loops, each loop named by its polarity
    and rank (R1 is the shortest reinforcing loop). Two queries."""
    factors = list(Factor.objects.filter(system=system).select_related("node"))
    influences = list(
        Influence.objects.filter(system=system).select_related("source", "target", "matrix")
    )
    by_code = {f.code: f for f in factors}
    found, truncated = feedback_loops(
        [LoopLink(i.source.code, i.target.code, i.sign, i.delay) for i in influences],
        max_length=8,
        limit=200,
    )
    counters = {REINFORCING: 0, BALANCING: 0}
    loops = []
    for loop in found:
        counters[loop.polarity] += 1
        letter = "R" if loop.polarity == REINFORCING else "B"
        loops.append(
            SystemLoop(
                name=f"{letter}{counters[loop.polarity]}",
                polarity=loop.polarity,
                factors=[by_code[code] for code in loop.nodes],
                delay=loop.delay,
            )
        )
    return SystemView(system, factors, influences, loops, truncated)
