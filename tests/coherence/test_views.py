"""Coherence pages: what the public and staff see, the grid's form and conflicts, downloads,
the sheet and its PDF, and query counts that do not grow with the matrix."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import Group, User

from territori.coherence.models import AgreedScore, Matrix, Score
from territori.coherence.services import matrix_set_axes
from territori.core.roles import ANALYST
from territori.frameworks.models import Node
from tests.conftest import count_queries, skip_or_fail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _matrices(coherence: Any) -> None:
    """The illustrative matrices over the real frameworks (tests/worlds.py)."""


@pytest.fixture
def draft() -> tuple[Matrix, User, User]:
    anna = User.objects.create_user("anna-view", password="x", is_staff=True)
    coord = User.objects.create_user("coord-view", password="x", is_staff=True)
    matrix = Matrix.objects.create(code="bozza", title_it="Bozza di prova", owner=coord)
    matrix.assessors.set([anna])
    missions = list(
        Node.objects.filter(framework__code="amsvs-torino", code__in=["1.1", "1.2", "1.3"])
    )
    matrix_set_axes(matrix=matrix, rows=missions, columns=missions)
    return matrix, anna, coord


@pytest.mark.parametrize(
    "url",
    [
        "/coerenza/",
        "/en/coerenza/",
        "/coerenza/psm-strategie-missioni/",
        "/coerenza/missioni-missioni/",
        "/en/coerenza/missioni-missioni/",
        "/coerenza/schede/amsvs-torino/1.2/",
        "/coerenza/schede/psm-2024-2026/1.1/",
    ],
)
def test_public_pages_render(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1" in text and ("dimostrativ" in text.lower() or "demo" in text.lower())


def test_square_matrix_page_shows_analysis(client) -> None:
    text = client.get("/en/coerenza/missioni-missioni/").content.decode()
    for piece in (
        'id="chart-heatmap"',
        'id="chart-scatter"',
        'id="chart-network"',
        "chart-heatmap-table",
        "Groups that reinforce each other",
        "Warnings",
    ):
        assert piece in text
    assert "Coverage of the columns" not in text


def test_rectangular_matrix_page_shows_coverage_and_gaps(client) -> None:
    text = client.get("/en/coerenza/psm-strategie-missioni/").content.decode()
    assert 'id="chart-coverage"' in text and "Gaps: columns no row contributes to" in text
    assert 'id="chart-scatter"' not in text


def test_drafts_are_hidden_from_the_public(client, draft) -> None:
    _matrix, anna, _coord = draft
    assert client.get("/coerenza/bozza/").status_code == 404
    assert "Bozza di prova" not in client.get("/coerenza/").content.decode()
    assert client.get("/coerenza/bozza/celle.csv").status_code == 404
    client.force_login(anna)
    assert client.get("/coerenza/bozza/").status_code == 200
    analyst = User.objects.create_user("analyst-view", is_staff=True)
    analyst.groups.add(Group.objects.get(name=ANALYST))
    client.force_login(analyst)
    assert "Bozza di prova" in client.get("/coerenza/").content.decode()


def test_cells_and_metrics_downloads(client) -> None:
    body = client.get("/coerenza/missioni-missioni/celle.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    square = Matrix.objects.get(code="missioni-missioni")
    n = square.axis_nodes.filter(axis="row").count()
    assert len(rows) == n * (n - 1)
    agreed = AgreedScore.objects.filter(matrix=square).select_related("row", "column").first()
    row = next(
        r for r in rows if (r["riga"], r["colonna"]) == (agreed.row.code, agreed.column.code)
    )
    assert float(row["valore"]) == agreed.score and row["concordato"] == str(agreed.score)
    metrics = list(
        csv.DictReader(
            io.StringIO(client.get("/coerenza/missioni-missioni/metriche.csv").content.decode())
        )
    )
    assert len(metrics) == n and {"motricity", "dependence", "quadrant"} <= set(metrics[0])
    # the influence of each node is its row sum of the cells' values
    for m in metrics:
        total = sum(float(r["valore"]) for r in rows if r["riga"] == m["node"] and r["valore"])
        assert float(m["out"]) == pytest.approx(total)
    rect = client.get("/coerenza/psm-strategie-missioni/metriche.csv").content.decode()
    assert rect.startswith("nodo,asse,positivi")


def test_grid_permissions(client, draft) -> None:
    _matrix, anna, _coord = draft
    assert client.get("/staff/coerenza/bozza/").status_code == 302  # log in first
    outsider = User.objects.create_user("outsider-view", is_staff=True)
    client.force_login(outsider)
    assert client.get("/staff/coerenza/bozza/").status_code == 403
    client.force_login(anna)
    assert client.get("/staff/coerenza/bozza/").status_code == 200
    assert client.get("/staff/coerenza/missioni-missioni/").status_code == 403  # not an assessor


def test_grid_form_saves_and_reports_a_conflict_keeping_the_text(client, draft) -> None:
    matrix, anna, _coord = draft
    client.force_login(anna)
    row, column = (Node.objects.get(framework__code="amsvs-torino", code=c) for c in ("1.1", "1.2"))
    url = "/staff/coerenza/bozza/"
    page = client.get(f"{url}?riga={row.pk}&colonna={column.pk}").content.decode()
    assert 'id="score-form"' in page
    response = client.post(
        url,
        {
            "row": row.pk,
            "column": column.pk,
            "score": "2",
            "rationale": "prima versione",
            "version": "",
            "action": "save",
        },
    )
    assert response.status_code == 302
    score = Score.objects.get(matrix=matrix, assessor=anna)
    assert (score.score, score.version) == (2, 1)
    # a stale tab (version still empty) sends another score: refused, its text kept
    stale = client.post(
        url,
        {
            "row": row.pk,
            "column": column.pk,
            "score": "-1",
            "rationale": "testo da non perdere",
            "version": "",
            "action": "save",
        },
    )
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "testo da non perdere" in text and "prima versione" in text
    assert 'name="version" value="1"' in text  # saving again replaces knowingly
    assert Score.objects.get(pk=score.pk).score == 2
    # the same through the JSON answer the grid's script uses
    answer = client.post(
        url,
        {"row": row.pk, "column": column.pk, "score": "3", "version": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert answer.status_code == 200 and json.loads(answer.content) == {
        "ok": True,
        "version": 2,
        "score": 3,
    }
    conflict = client.post(
        url,
        {"row": row.pk, "column": column.pk, "score": "1", "version": "1"},
        HTTP_ACCEPT="application/json",
    )
    assert conflict.status_code == 409 and json.loads(conflict.content)["current"]["score"] == 3
    bad = client.post(
        url,
        {"row": row.pk, "column": column.pk, "score": "7", "version": "2"},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and "score outside -3..+3" in json.loads(bad.content)["errors"][0]
    # filters: after scoring one cell, "not scored by me" dims it
    filtered = client.get(f"{url}?filtro=mine").content.decode()
    assert filtered.count("territori-filtered-out") == 1


def test_coordinator_agrees_and_publishes(client, draft) -> None:
    matrix, anna, coord = draft
    row, column = (Node.objects.get(framework__code="amsvs-torino", code=c) for c in ("1.2", "1.3"))
    client.force_login(coord)
    page = client.get(f"/staff/coerenza/bozza/?riga={row.pk}&colonna={column.pk}").content.decode()
    assert 'id="agree-form"' in page and 'id="score-form"' not in page  # not an assessor
    response = client.post(
        "/staff/coerenza/bozza/",
        {
            "row": row.pk,
            "column": column.pk,
            "score": "-2",
            "note": "dopo il laboratorio",
            "action": "agree",
            "version": "",
        },
    )
    assert response.status_code == 302
    assert AgreedScore.objects.get(matrix=matrix).score == -2
    response = client.post("/staff/coerenza/bozza/stato/", {"status": "published"})
    assert response.status_code == 302
    client.logout()
    text = client.get("/coerenza/bozza/").content.decode()
    assert "1.2 → 1.3" in text or "1.2" in text
    client.force_login(anna)
    assert client.get("/staff/coerenza/bozza/").status_code == 403  # published: no more scoring


def test_excel_export_and_import_pages(client, draft) -> None:
    matrix, anna, _coord = draft
    client.force_login(anna)
    exported = client.get("/staff/coerenza/bozza/esporta.xlsx")
    assert exported.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book["punteggi"]
    sheet.cell(row=2, column=5).value = 3
    sheet.cell(row=3, column=5).value = 9
    out = io.BytesIO()
    book.save(out)
    out.name = "valutazione.xlsx"
    out.seek(0)
    response = client.post("/staff/coerenza/bozza/importa/", {"file": out})
    assert response.status_code == 400
    assert "row 3, field 'punteggio': score outside -3..+3" in html.unescape(
        response.content.decode()
    )
    assert not Score.objects.filter(matrix=matrix).exists()
    sheet.cell(row=3, column=5).value = -1
    out = io.BytesIO()
    book.save(out)
    out.name = "valutazione.xlsx"
    out.seek(0)
    response = client.post("/staff/coerenza/bozza/importa/", {"file": out})
    assert response.status_code == 200
    assert sorted(Score.objects.filter(matrix=matrix).values_list("score", flat=True)) == [-1, 3]


def grow(matrix: Matrix) -> None:
    """More rows, columns and scores than before, for the query-count checks."""
    extra = list(Node.objects.filter(framework__code="sdg")[:6])
    rows = [n.node for n in matrix.axis_nodes.filter(axis="row").select_related("node")] + extra
    columns = [n.node for n in matrix.axis_nodes.filter(axis="column").select_related("node")]
    matrix_set_axes(matrix=matrix, rows=rows, columns=columns + extra)
    assessor = matrix.assessors.first()
    Score.objects.bulk_create(
        Score(matrix=matrix, row=r, column=c, assessor=assessor, score=1)
        for r in extra
        for c in columns[:5]
    )


@pytest.mark.parametrize(
    "url",
    [
        "/coerenza/",
        "/coerenza/missioni-missioni/",
        "/coerenza/missioni-missioni/celle.csv",
        "/coerenza/missioni-missioni/metriche.csv",
        "/coerenza/schede/amsvs-torino/1.2/",
    ],
)
def test_query_count_does_not_grow_with_the_matrix(client, url: str) -> None:
    before = count_queries(client, url)
    grow(Matrix.objects.get(code="missioni-missioni"))
    Matrix.objects.create(code="altra", title_it="Altra", status=Matrix.Status.PUBLISHED)
    assert count_queries(client, url) == before


def test_grid_query_count_does_not_grow(client, draft) -> None:
    matrix, anna, _coord = draft
    client.force_login(anna)
    first = matrix.axis_nodes.select_related("node").order_by("order")
    Score.objects.create(
        matrix=matrix, row=first[0].node, column=first[1].node, assessor=anna, score=1
    )
    before = count_queries(client, "/staff/coerenza/bozza/")
    grow(matrix)
    assert count_queries(client, "/staff/coerenza/bozza/") == before


@pytest.mark.slow
def test_sheet_pdf() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # pango missing
        skip_or_fail(f"WeasyPrint cannot load its libraries: {exc}")
    from django.test import Client

    response = Client().get("/coerenza/schede/psm-2024-2026/1.1/scheda.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Scheda di coerenza" in text and "Pagina 1 / " in text
    assert reader.metadata.title.startswith("Scheda di coerenza 1.1")


def test_admin_fills_rows_and_columns_from_framework_levels(client) -> None:
    admin = User.objects.create_superuser("root-view", password="x")
    client.force_login(admin)
    assert client.get("/admin/coherence/matrix/add/").status_code == 200
    response = client.post(
        "/admin/coherence/matrix/add/",
        {
            "code": "dup-missioni",
            "title_it": "DUP × Missioni",
            "analysis": "external",
            "direction": "vertical",
            "status": "draft",
            "data_status": "illustrative",
            "rows_from": "psm-2024-2026:strategia",
            "columns_from": "amsvs-torino:missione",
            "axis_nodes-TOTAL_FORMS": "0",
            "axis_nodes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    matrix = Matrix.objects.get(code="dup-missioni")
    rows = Node.objects.filter(framework__code="psm-2024-2026", level="strategia").count()
    columns = Node.objects.filter(framework__code="amsvs-torino", level="missione").count()
    assert matrix.axis_nodes.filter(axis="row").count() == rows
    assert matrix.axis_nodes.filter(axis="column").count() == columns == 21


def test_evidence_documents_are_checked_and_served_to_who_may_see(client, draft) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from territori.coherence.models import ScoreDocument

    matrix, anna, _coord = draft
    client.force_login(anna)
    row, column = (Node.objects.get(framework__code="amsvs-torino", code=c) for c in ("1.1", "1.3"))
    fake = SimpleUploadedFile("relazione.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post(
        "/staff/coerenza/bozza/",
        {"row": row.pk, "column": column.pk, "score": "1", "version": "", "documents": [fake]},
    )
    assert response.status_code == 400
    assert "relazione.pdf: not a PDF" in html.unescape(response.content.decode())
    assert not Score.objects.filter(matrix=matrix).exists()  # nothing half-written
    good = SimpleUploadedFile("relazione.pdf", b"%PDF-1.4 la relazione")
    response = client.post(
        "/staff/coerenza/bozza/",
        {"row": row.pk, "column": column.pk, "score": "1", "version": "", "documents": [good]},
    )
    assert response.status_code == 302
    document = ScoreDocument.objects.get(score__matrix=matrix)
    url = f"/coerenza/documenti/{document.pk}/"
    served = client.get(url)
    assert served.status_code == 200 and served.content == b"%PDF-1.4 la relazione"
    assert served["Content-Type"] == "application/pdf"
    client.logout()
    assert client.get(url).status_code == 404  # a draft's evidence is not public
