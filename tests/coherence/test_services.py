"""Coherence matrices: permissions, optimistic locking, history, metrics, Excel round trip."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser, Group, User

from territori.coherence.models import AgreedScore, Matrix, Score
from territori.coherence.selectors import (
    cell_history,
    grid_metrics,
    matrices_visible,
    matrix_grid,
    matrix_progress,
    node_sheet,
)
from territori.coherence.services import (
    EditConflict,
    NotAllowed,
    agreed_save,
    matrix_export_xlsx,
    matrix_import,
    matrix_set_axes,
    score_clear,
    score_save,
)
from territori.core.models import AuditEntry
from territori.core.roles import ANALYST
from territori.frameworks.models import Node
from territori.io.errors import InputValidationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _matrices(coherence: Any) -> None:
    """The illustrative matrices over the real frameworks (tests/worlds.py)."""


def node(framework: str, code: str) -> Node:
    return Node.objects.get(framework__code=framework, code=code)


@pytest.fixture
def people() -> dict[str, User]:
    names = ["anna", "bruno", "coord", "outsider"]
    users = {name: User.objects.create_user(f"{name}-test", is_staff=True) for name in names}
    users["analyst"] = User.objects.create_user("analyst-test", is_staff=True)
    users["analyst"].groups.add(Group.objects.get(name=ANALYST))
    return users


@pytest.fixture
def matrix(people) -> Matrix:
    """A draft square matrix of three Missions, scored by anna and bruno."""
    m = Matrix.objects.create(code="test-square", title_it="Prova", owner=people["coord"])
    m.assessors.set([people["anna"], people["bruno"]])
    missions = [node("amsvs-torino", c) for c in ("1.1", "1.2", "1.3")]
    matrix_set_axes(matrix=m, rows=missions, columns=missions)
    return m


def save(matrix: Matrix, user: User, row: str, column: str, score, version=None, **kw) -> Score:
    return score_save(
        matrix=matrix,
        row=node("amsvs-torino", row),
        column=node("amsvs-torino", column),
        assessor=user,
        score=score,
        expected_version=version,
        **kw,
    )


def test_demo_matrices_are_published_illustrative_and_scored() -> None:
    rect = Matrix.objects.get(code="psm-strategie-missioni")
    square = Matrix.objects.get(code="missioni-missioni")
    assert rect.status == square.status == Matrix.Status.PUBLISHED
    assert rect.is_illustrative and square.is_illustrative
    grid = matrix_grid(matrix=square)
    assert grid.axes.square and grid.total == len(grid.axes.rows) * (len(grid.axes.rows) - 1)
    assert grid.scored == grid.total  # every cell scored by both demo assessors
    assert all(len(c.scores) == 2 for c in grid.cells.values())
    assert any(c.disagree for c in grid.cells.values())
    assert AgreedScore.objects.filter(matrix=square).exists()
    assert all("Dato dimostrativo" in s.rationale for s in Score.objects.filter(matrix=rect)[:20])


def test_only_assessors_score_and_not_once_published(matrix, people) -> None:
    with pytest.raises(NotAllowed):
        save(matrix, people["outsider"], "1.1", "1.2", 2)
    with pytest.raises(NotAllowed):
        save(matrix, AnonymousUser(), "1.1", "1.2", 2)
    save(matrix, people["anna"], "1.1", "1.2", 2)
    matrix.status = Matrix.Status.PUBLISHED
    matrix.save()
    with pytest.raises(NotAllowed):
        save(matrix, people["anna"], "1.1", "1.3", 1)
    with pytest.raises(NotAllowed):
        agreed_save(
            matrix=matrix,
            row=node("amsvs-torino", "1.1"),
            column=node("amsvs-torino", "1.2"),
            coordinator=people["coord"],
            score=2,
            note="",
            expected_version=None,
        )


def test_bad_cells_and_scores_are_refused(matrix, people) -> None:
    with pytest.raises(InputValidationError, match=r"score outside -3\.\.\+3"):
        save(matrix, people["anna"], "1.1", "1.2", 4)
    with pytest.raises(InputValidationError, match="not a number"):
        save(matrix, people["anna"], "1.1", "1.2", "molto")
    with pytest.raises(InputValidationError, match="diagonal"):
        save(matrix, people["anna"], "1.1", "1.1", 1)
    with pytest.raises(InputValidationError, match="not a row of this matrix"):
        save(matrix, people["anna"], "1.4", "1.1", 1)
    with pytest.raises(InputValidationError, match="unknown indicator code"):
        save(matrix, people["anna"], "1.1", "1.2", 1, indicator_codes=["NOPE"])
    assert not Score.objects.filter(matrix=matrix).exists()


def test_two_tabs_never_overwrite_each_other_silently(matrix, people) -> None:
    first = save(matrix, people["anna"], "1.1", "1.2", 2, rationale="prima")
    assert first.version == 1
    # a second tab loaded the cell when it was unscored: its save is refused
    with pytest.raises(EditConflict) as conflict:
        save(matrix, people["anna"], "1.1", "1.2", -1, version=None)
    assert conflict.value.current.score == 2
    second = save(matrix, people["anna"], "1.1", "1.2", 3, version=1, rationale="seconda")
    assert second.version == 2
    with pytest.raises(EditConflict):
        save(matrix, people["anna"], "1.1", "1.2", 1, version=1)  # stale
    assert Score.objects.get(pk=first.pk).score == 3
    # bruno's score of the same cell is his own: no conflict with anna's
    assert save(matrix, people["bruno"], "1.1", "1.2", -2).version == 1
    # two coordinators settling the same cell
    row, column = node("amsvs-torino", "1.1"), node("amsvs-torino", "1.2")
    agreed = agreed_save(
        matrix=matrix,
        row=row,
        column=column,
        coordinator=people["coord"],
        score=1,
        note="discusso",
        expected_version=None,
    )
    with pytest.raises(EditConflict):
        agreed_save(
            matrix=matrix,
            row=row,
            column=column,
            coordinator=people["analyst"],
            score=2,
            note="",
            expected_version=None,
        )
    with pytest.raises(NotAllowed):
        agreed_save(
            matrix=matrix,
            row=row,
            column=column,
            coordinator=people["anna"],
            score=2,
            note="",
            expected_version=agreed.version,
        )


def test_grid_agreement_history_and_metrics(matrix, people) -> None:
    save(matrix, people["anna"], "1.1", "1.2", 3)
    save(matrix, people["bruno"], "1.1", "1.2", 1)  # spread 2: a disagreement
    save(matrix, people["anna"], "1.2", "1.3", -2)
    save(matrix, people["bruno"], "1.2", "1.3", -2)
    bruno = save(matrix, people["bruno"], "1.3", "1.1", 1)
    score_clear(
        matrix=matrix,
        row=bruno.row,
        column=bruno.column,
        assessor=people["bruno"],
        expected_version=1,
    )
    grid = matrix_grid(matrix=matrix, user=people["anna"])
    cell = grid.cell(node("amsvs-torino", "1.1"), node("amsvs-torino", "1.2"))
    assert cell is not None and cell.disagree and cell.value == 2.0 and cell.mine.score == 3
    assert (grid.scored, grid.total, grid.progress) == (2, 6, 33)
    agreed_save(
        matrix=matrix,
        row=cell.row,
        column=cell.column,
        coordinator=people["coord"],
        score=3,
        note="concordato",
        expected_version=None,
    )
    grid = matrix_grid(matrix=matrix)
    metrics = grid_metrics(grid)
    # a = [[0, 3, 0], [0, 0, -2], [0, 0, 0]]: out [3, -2, 0], in [0, 3, -2]
    assert list(metrics.out) == [3, -2, 0] and list(metrics.in_) == [0, 3, -2]
    assert metrics.warnings == [("1.2", "1.3", -2.0)]
    history = cell_history(matrix=matrix, row=cell.row, column=cell.column)
    assert [e.model for e in history].count("coherence.score") == 2
    assert history[0].model == "coherence.agreedscore"
    deleted = cell_history(matrix=matrix, row=bruno.row, column=bruno.column)
    assert [e.action for e in deleted] == [AuditEntry.Action.DELETE, AuditEntry.Action.CREATE]
    assert matrix_progress([matrix]) == {matrix.pk: (2, 6)}


def test_visibility_of_drafts(matrix, people) -> None:
    public = set(matrices_visible(AnonymousUser()).values_list("code", flat=True))
    assert "test-square" not in public and "missioni-missioni" in public
    assert "test-square" in set(matrices_visible(people["analyst"]).values_list("code", flat=True))
    assert "test-square" in set(matrices_visible(people["anna"]).values_list("code", flat=True))
    assert "test-square" not in set(
        matrices_visible(people["outsider"]).values_list("code", flat=True)
    )


def _sheet(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_round_trip(matrix, people) -> None:
    save(matrix, people["anna"], "1.1", "1.2", 2, rationale="già valutata")
    data = matrix_export_xlsx(matrix=matrix, assessor=people["anna"])
    book = _sheet(data)
    sheet = book["punteggi"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["riga", "titolo_riga", "colonna", "titolo_colonna", "punteggio"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6 and ("1.1", "1.2") in {(r[0], r[2]) for r in rows}
    filled = {(r[0], r[2]): r[4] for r in rows}
    assert filled[("1.1", "1.2")] == 2 and filled[("1.2", "1.1")] is None
    for line in sheet.iter_rows(min_row=2):
        if (line[0].value, line[2].value) == ("1.2", "1.1"):
            line[4].value, line[5].value, line[7].value = -1, "vincola la 1.1", "alta"
    outcome = matrix_import(
        matrix=matrix, data=_save(book), filename="m.xlsx", assessor=people["anna"]
    )
    assert outcome.errors == [] and (outcome.created, outcome.unchanged, outcome.blank) == (1, 1, 4)
    new = Score.objects.get(matrix=matrix, assessor=people["anna"], row__code="1.2")
    assert (new.score, new.rationale, new.confidence) == (-1, "vincola la 1.1", "high")
    again = matrix_import(
        matrix=matrix, data=_save(book), filename="m.xlsx", assessor=people["anna"]
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_excel_import_reports_every_problem_and_writes_nothing(matrix, people) -> None:
    text = (
        "riga,colonna,punteggio,fiducia\n"
        "1.1,1.2,2,alta\n"
        "9.9,1.2,1,\n"  # unknown row code
        "1.1,1.3,5,\n"  # out of range
        "1.1,1.2,1,\n"  # duplicate cell
        "1.2,1.2,1,\n"  # diagonal
        "1.3,1.1,1,forse\n"  # bad confidence
    )
    outcome = matrix_import(
        matrix=matrix, data=text.encode(), filename="m.csv", assessor=people["anna"]
    )
    problems = {(e.row, e.field) for e in outcome.errors}
    assert problems == {
        (3, "riga"),
        (4, "punteggio"),
        (5, "riga/colonna"),
        (6, "colonna"),
        (7, "fiducia"),
    }
    assert "also row 2" in str(outcome.errors[2])
    assert not Score.objects.filter(matrix=matrix).exists()
    with pytest.raises(NotAllowed):
        matrix_import(matrix=matrix, data=text.encode(), filename="m.csv", assessor=people["coord"])


def test_node_sheet_lists_contributions_and_conflicts(people) -> None:
    strategy = Node.objects.filter(framework__code="psm-2024-2026", level="strategia").first()
    sheet = node_sheet(node=strategy, user=AnonymousUser())
    assert sheet.matrices and all(line.score > 0 for line in sheet.contributions)
    assert all(line.score < 0 for line in sheet.conflicts)
    assert sheet.contributions or sheet.conflicts
    assert all(line.direction == "out" for line in sheet.contributions)
