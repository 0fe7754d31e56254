"""The monitoring report: content from stored rows, HTML and PDF in two languages, progress,
the same content for the same data, and the build queued from the staff page."""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import number_format
from pypdf import PdfReader

from territori.analytics import trends
from territori.frameworks.models import Node
from territori.publication.models import Report, ReportFigure
from territori.publication.report import report_content

from ..conftest import count_queries

AGENDA = "amsvs-torino"  # the Turin agenda (the demo's, and the frameworks world's)

pytestmark = pytest.mark.django_db


def _pdf(report: Report, language: str) -> PdfReader:
    data = bytes(report.pdf_it if language == "it" else report.pdf_en)
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


@pytest.mark.slow
def test_report_is_built_in_both_languages_with_its_sections(built_report: Report) -> None:
    report = Report.objects.get(pk=built_report.pk)
    assert report.state == Report.State.DONE and report.progress == 100
    assert report.build_seconds is not None and report.built_at is not None
    mas = list(Node.objects.filter(framework__code=AGENDA, level="mas"))
    missions = Node.objects.filter(framework__code=AGENDA, parent__in=mas)
    for html in (report.html_it, report.html_en):
        for anchor in ("report-introduction", "report-methods", "report-sources"):
            assert f'id="{anchor}"' in html
        for node in [*mas, *missions]:
            assert f'id="node-{node.pk}"' in html  # a chapter per MAS, a section per Mission
            assert f'href="#node-{node.pk}"' in html  # and an entry in the contents
    assert "Allegato metodologico" in report.html_it and "Methodology annex" in report.html_en
    # the analysts' commentary (demo: Mission 1.2) and the missing ones said plainly
    assert "Commento dimostrativo" in report.html_it
    assert "non è ancora stato scritto" in report.html_it
    # every chart is an image with a text alternative, followed by its data table
    charts = re.findall(
        r'<img class="territori-static-chart" src="territori-figure:([0-9a-f]{64})" '
        r'alt="([^"]+)"',
        report.html_it,
    )
    assert len(charts) >= 10 and all(alt.strip() for _digest, alt in charts)
    assert report.html_it.count("<table") >= len(charts)
    # the images are stored beside the report, named by the SHA-256 of their bytes
    stored = {f.digest: bytes(f.png) for f in ReportFigure.objects.filter(report=report)}
    english = set(re.findall(r'src="territori-figure:([0-9a-f]{64})"', report.html_en))
    assert set(stored) == {digest for digest, _alt in charts} | english
    for digest, png in stored.items():
        assert png.startswith(b"\x89PNG") and hashlib.sha256(png).hexdigest() == digest


def test_methodology_annex_shows_the_thresholds_the_analytics_use(built_report: Report) -> None:
    html = Report.objects.get(pk=built_report.pk).html_it
    significant, moderate, _some = trends.EUROSTAT_RATIO_THRESHOLDS
    with translation.override("it"):
        high, middle = (number_format(value, use_l10n=True) for value in (significant, moderate))
        rate = number_format(trends.EUROSTAT_RATE_THRESHOLD * 100, decimal_pos=1, use_l10n=True)
    assert f"<td>≥ {high}</td>" in html  # significant progress
    assert f"<td>{middle} – {high}</td>" in html  # moderate progress
    assert f"≥ {rate} %" in html


@pytest.mark.slow
def test_pdf_opens_with_contents_page_numbers_and_metadata(built_report: Report) -> None:
    report = Report.objects.get(pk=built_report.pk)
    for language, contents, annex in (
        ("it", "Contenuti", "Allegato metodologico"),
        ("en", "Contents", "Methodology annex"),
    ):
        pdf = _pdf(report, language)
        pages = len(pdf.pages)
        assert 15 <= pages <= 150, pages
        assert pdf.metadata is not None
        assert pdf.metadata.title == (report.title_it if language == "it" else report.title_en)
        assert pdf.trailer["/Root"]["/Lang"] == language
        assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged (PDF/UA)
        text = [page.extract_text() for page in pdf.pages]
        assert report.year and str(report.year) in text[0]
        toc = text[1]
        assert contents in toc and annex in toc
        # contents entries end with their page number, by a dotted leader
        numbers = [int(n) for n in re.findall(r"\.{3,}\s*(\d+)", toc)]
        assert numbers and numbers == sorted(numbers) and max(numbers) <= pages
        # the page footer: "Pagina 3 / N"
        word = "Pagina" if language == "it" else "Page"
        assert f"{word} 3 / {pages}" in text[2]
        assert any(annex in page for page in text[-4:])
        # outline (bookmarks) for navigation
        assert len(pdf.outline) >= 4
        # the charts and maps are in the PDF itself
        assert sum(len(page.images) for page in pdf.pages[2:8]) >= 3


def test_same_data_gives_the_same_content(built_report: Report) -> None:
    report = Report.objects.get(pk=built_report.pk)
    with translation.override("it"):
        assert report_content(report) == report.html_it


def test_figures_are_replaced_whole_and_never_left_missing() -> None:
    from territori.publication.report import report_figures_store

    report = Report.objects.create(year=1994, title_it="Prova")
    png = b"\x89PNG first"
    digest = hashlib.sha256(png).hexdigest()
    body = f'<img src="territori-figure:{digest}" alt="a">'
    assert report_figures_store(report, {digest: png}, [body]) == 1
    missing = "f" * 64
    with pytest.raises(ValueError, match="referred to but not rendered"):
        report_figures_store(report, {digest: png}, [body, f"territori-figure:{missing}"])
    assert list(report.figures.values_list("digest", flat=True)) == [digest]  # kept as was
    assert report_figures_store(report, {digest: png}, ["<p>no images</p>"]) == 0
    assert not report.figures.exists()


def test_progress_is_reported_while_building(monkeypatch: pytest.MonkeyPatch, frameworks) -> None:
    from territori.publication import report as module

    report = Report.objects.create(year=1999, title_it="Prova")
    seen: list[tuple[int, str]] = []
    original = module._set_progress

    def spy(item: Report, percent: int, message: str, **extra: Any) -> None:
        seen.append((percent, extra.get("state", item.state)))
        original(item, percent, message, **extra)

    def content(*args: Any, progress: Any, **kwargs: Any) -> str:
        # walks the Missions as the real one does, reporting each
        mas = Node.objects.filter(framework__code=AGENDA, level="mas")
        missions = Node.objects.filter(parent__in=mas).order_by("parent__order", "order")
        for done, mission in enumerate(missions, start=1):
            progress(done, mission.code)
        return "<p>body</p>"

    monkeypatch.setattr(module, "_set_progress", spy)
    monkeypatch.setattr(module, "report_content", content)
    monkeypatch.setattr(module, "report_pdf", lambda *a, **k: b"%PDF-1.7 fake")
    module.report_build(report.pk)
    percents = [percent for percent, _ in seen]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    assert len(percents) > 2 * 20  # a step per Mission and language
    assert seen[-1][1] == Report.State.DONE


def test_a_failed_build_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from territori.publication import report as module

    report = Report.objects.create(year=1998, title_it="Prova")

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("vl-convert is not installed")

    monkeypatch.setattr(module, "report_content", broken)
    with pytest.raises(RuntimeError):
        module.report_build(report.pk)
    report.refresh_from_db()
    assert report.state == Report.State.FAILED
    assert report.progress_message == "vl-convert is not installed"


def _analyst(django_user_model: Any) -> Any:
    from django.contrib.auth.models import Group

    from territori.core.roles import ANALYST

    user = django_user_model.objects.create_user("analyst-report", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ANALYST))
    return user


def test_staff_list_and_report_page_make_a_bounded_number_of_queries(
    client: Client, django_user_model: Any, built_report: Report
) -> None:
    client.force_login(_analyst(django_user_model))
    url = "/staff/pubblicazione/rapporti/"
    before = count_queries(client, url)
    for year in (1990, 1991, 1992):
        Report.objects.create(year=year, title_it=f"Prova {year}")
    assert count_queries(client, url) == before <= 10  # not one query per report
    # the report page: its images are addresses, not queries
    # the comment thread adds one query, and for this signed-in visitor the form asks whether
    # they agreed to publication and which organisations they may write for
    assert count_queries(client, f"/rapporto/{built_report.year}/") <= 11


def test_staff_queue_a_build_once_and_follow_its_progress(
    client: Client, django_user_model: Any, django_capture_on_commit_callbacks: Any, frameworks
) -> None:
    report = Report.objects.create(year=1997, title_it="Prova 1997")
    assert client.get("/staff/pubblicazione/rapporti/").status_code == 302  # log in first
    client.force_login(_analyst(django_user_model))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/staff/pubblicazione/rapporti/1997/genera/")
    assert response.status_code == 302 and len(callbacks) == 1  # the task, after commit
    report.refresh_from_db()
    assert report.state == Report.State.QUEUED
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post("/staff/pubblicazione/rapporti/1997/genera/")
    assert callbacks == []  # already queued: not twice
    Report.objects.filter(pk=report.pk).update(
        state=Report.State.RUNNING, progress=40, progress_message="Missione 2.1 (it)"
    )
    status = client.get("/staff/pubblicazione/rapporti/1997/stato/").content.decode()
    assert 'hx-trigger="every 2s"' in status and 'aria-valuenow="40"' in status
    assert "Missione 2.1 (it)" in status
    Report.objects.filter(pk=report.pk).update(state=Report.State.DONE, progress=100)
    assert (
        "hx-trigger" not in client.get("/staff/pubblicazione/rapporti/1997/stato/").content.decode()
    )


def test_staff_without_the_permission_cannot_build(client: Client, django_user_model: Any) -> None:
    Report.objects.create(year=1996, title_it="Prova")
    user = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    client.force_login(user)
    assert client.post("/staff/pubblicazione/rapporti/1996/genera/").status_code == 403
    assert Report.objects.get(year=1996).state == Report.State.NEW


def test_public_pages_serve_only_built_published_reports(
    client: Client, built_report: Report, django_user_model: Any
) -> None:
    page = client.get(f"/rapporto/{built_report.year}/").content.decode()
    assert 'id="report-methods"' in page and "PDF" in page
    # the page refers to its images by address, so it stays light
    figures = re.findall(rf'src="/rapporto/{built_report.year}/figure/([0-9a-f]{{64}})\.png"', page)
    assert len(figures) >= 10 and "territori-figure:" not in page and "data:image" not in page
    assert len(page) < 1_000_000
    image = client.get(f"/rapporto/{built_report.year}/figure/{figures[0]}.png")
    assert image["Content-Type"] == "image/png" and "immutable" in image["Cache-Control"]
    assert hashlib.sha256(image.content).hexdigest() == figures[0]
    assert client.get(f"/rapporto/{built_report.year}/figure/{'0' * 64}.png").status_code == 404
    english = client.get(f"/en/rapporto/{built_report.year}/").content.decode()
    assert "Methodology annex" in english
    pdf = client.get(f"/rapporto/{built_report.year}/rapporto-en.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert client.get(f"/rapporto/{built_report.year}/rapporto-xx.pdf").status_code == 404
    Report.objects.filter(pk=built_report.pk).update(published=False)
    assert client.get(f"/rapporto/{built_report.year}/").status_code == 404
    assert client.get(f"/rapporto/{built_report.year}/figure/{figures[0]}.png").status_code == 404
    client.force_login(_analyst(django_user_model))
    assert "Anteprima" in client.get(f"/rapporto/{built_report.year}/").content.decode()
    Report.objects.create(year=1995, title_it="Mai generato", published=True)
    assert client.get("/rapporto/1995/").status_code == 404


def _placements(page: Any) -> tuple[list[tuple[float, float, float, float]], list[float]]:
    """The boxes (x0, y0, x1, y1, in points) where a PDF page draws its images, and the x of
    the start of each piece of text, from the page's drawing operators."""
    images: list[tuple[float, float, float, float]] = []
    texts: list[float] = []

    def image(operator: bytes, args: Any, cm: list[float], tm: list[float]) -> None:
        if operator == b"Do":
            a, b, c, d, e, f = cm
            xs, ys = (e, e + a, e + c, e + a + c), (f, f + b, f + d, f + b + d)
            images.append((min(xs), min(ys), max(xs), max(ys)))

    def text(content: str, cm: list[float], tm: list[float], *_args: Any) -> None:
        if content.strip():
            texts.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_operand_before=image, visitor_text=text)
    return images, texts


@pytest.mark.slow
def test_every_chart_and_line_of_the_pdf_fits_its_page(built_report: Report) -> None:
    report = Report.objects.get(pk=built_report.pk)
    for language in ("it", "en"):
        pdf = _pdf(report, language)
        drawn = 0
        for number, page in enumerate(pdf.pages, start=1):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            images, texts = _placements(page)
            drawn += len(images)
            for x0, y0, x1, y1 in images:
                assert x0 >= 0 and y0 >= 0, (language, number, (x0, y0))
                assert x1 <= width - 20 and y1 <= height, (language, number, (x1, y1), width)
            assert all(0 <= x < width - 20 for x in texts), (language, number)
        assert drawn >= 10
