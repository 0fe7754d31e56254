"""Public pages of what the Agenda publishes: the report, news and pages, open data, search."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territori.core.richtext import render_markdown
from territori.presentation.charts import sparkline_points
from territori.presentation.downloads import XLSX_TYPE
from territori.publication import cards, catalogue, dataset_files, datasets
from territori.publication import selectors as publication_selectors
from territori.publication.built_files import bulk_zip_file, dataset_xlsx_file
from territori.publication.models import Page, Report, ReportFigure
from territori.publication.render import FIGURE_REFERENCE
from territori.publication.search import KINDS, search
from territori.publication.selectors import REPORT_HEAVY_FIELDS

REPORT_PERMISSION = "publication.change_report"


def publications(request: HttpRequest) -> HttpResponse:
    reports = publication_selectors.published_reports()
    news = publication_selectors.published_news(limit=5)
    pages = publication_selectors.published_pages()
    return render(
        request,
        "portal/publications.html",
        {"reports": reports, "news": news, "pages": pages, "datasets": datasets.DATASETS},
    )


def _visible_report(request: HttpRequest, year: int, *needed: str) -> Report:
    """The report, if built and published (or previewed by staff), with only the `needed`
    of its heavy fields read."""
    deferred = [name for name in REPORT_HEAVY_FIELDS if name not in needed]
    report = get_object_or_404(Report.objects.defer(*deferred), year=year)
    if report.state != Report.State.DONE:
        raise Http404(_("This report has not been built yet"))
    if not report.published and not request.user.has_perm(REPORT_PERMISSION):
        raise Http404(_("This report is not published"))
    return report


def report_detail(request: HttpRequest, year: int) -> HttpResponse:
    language = (translation.get_language() or "it")[:2]
    report = _visible_report(request, year, "html_it", "html_en")
    body = report.html_en if language == "en" and report.html_en else report.html_it

    def figure_url(match: re.Match[str]) -> str:
        return reverse("portal:report_figure", kwargs={"year": year, "digest": match.group(1)})

    body = FIGURE_REFERENCE.sub(figure_url, body)
    return render(request, "portal/report_detail.html", {"report": report, "body": body})


def report_figure(request: HttpRequest, year: int, digest: str) -> HttpResponse:
    """One chart or map of the report page (named by its digest, so it never changes)."""
    report = _visible_report(request, year)
    figure = get_object_or_404(ReportFigure.objects.only("png"), report=report, digest=digest)
    response = HttpResponse(bytes(figure.png), content_type="image/png")
    visibility = "public" if report.published else "private"
    response["Cache-Control"] = f"{visibility}, max-age=31536000, immutable"
    return response


def report_pdf(request: HttpRequest, year: int, language: str) -> HttpResponse:
    if language not in ("it", "en"):
        raise Http404(_("No such language"))
    report = _visible_report(request, year, f"pdf_{language}")
    pdf = bytes(report.pdf_en if language == "en" else report.pdf_it)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"rapporto-monitoraggio-{report.year}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def news_list(request: HttpRequest) -> HttpResponse:
    news = publication_selectors.published_news(limit=50)
    return render(request, "portal/news_list.html", {"news": news})


def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page, slug=slug)
    if not page.published and not request.user.has_perm("publication.change_page"):
        raise Http404(_("This page is not published"))
    return render(
        request, "portal/page_detail.html", {"page": page, "body": render_markdown(page.body)}
    )


class NewsFeed(Feed[Any, Any]):
    """The news as RSS 2.0 (and, subclassed, Atom 1.0), in the language of the address."""

    description = gettext_lazy("News of the Sustainable Development Agenda")

    def title(self) -> str:
        from territori.territories.selectors import site_owner

        return _("%(owner)s · Sustainable Development Agenda: news") % {"owner": site_owner().name}

    def link(self) -> str:
        from django.urls import reverse

        return reverse("portal:news")

    def items(self) -> list[Page]:
        return publication_selectors.published_news(limit=30)

    def item_title(self, item: Page) -> str:
        return item.title

    def item_description(self, item: Page) -> str:
        return item.summary or render_markdown(item.body)

    def item_pubdate(self, item: Page):  # type: ignore[no-untyped-def]
        return item.published_at

    def item_updateddate(self, item: Page):  # type: ignore[no-untyped-def]
        return item.updated_at


class NewsAtomFeed(NewsFeed):
    feed_type = feedgenerator.Atom1Feed
    subtitle = NewsFeed.description


def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/open_data.html", {"datasets": datasets.DATASETS.values()})


def _dataset(key: str) -> datasets.Dataset:
    try:
        return datasets.DATASETS[key]
    except KeyError as exc:
        raise Http404(_("No such dataset")) from exc


def dataset_detail(request: HttpRequest, key: str) -> HttpResponse:
    return render(request, "portal/dataset_detail.html", {"dataset": _dataset(key)})


def dataset_download(request: HttpRequest, key: str, fmt: str) -> HttpResponseBase:
    dataset = _dataset(key)
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(
            dataset_files.dataset_csv(dataset), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = FileResponse(dataset_xlsx_file(dataset.key), content_type=XLSX_TYPE)
    elif fmt == "json":
        response = HttpResponse(
            dataset_files.dataset_json(dataset), content_type="application/json"
        )
    else:
        raise Http404(_("Unknown format"))
    response["Content-Disposition"] = f'attachment; filename="{dataset.key}.{fmt}"'
    return response


def catalogue_document(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "jsonld":
        return HttpResponse(catalogue.catalogue_jsonld(), content_type="application/ld+json")
    if fmt == "rdf":
        return HttpResponse(
            catalogue.catalogue_rdfxml(), content_type="application/rdf+xml; charset=utf-8"
        )
    raise Http404(_("Unknown format"))


def bulk_download(request: HttpRequest) -> FileResponse:
    from territori.frameworks.selectors import site_frameworks

    name = site_frameworks().agenda_code or "territori"
    return FileResponse(bulk_zip_file(), as_attachment=True, filename=f"dati-aperti-{name}.zip")


def site_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    kinds = [kind for kind in request.GET.getlist("tipo") if kind in KINDS]
    language = (translation.get_language() or "it")[:2]
    results = search(query, kinds=kinds, language=language) if query else None
    return render(
        request,
        "portal/search.html",
        {"query": query, "results": results, "kinds": KINDS, "selected": kinds},
    )


# --- Infographics -----------------------------------------------------------------------------


def infographics(request: HttpRequest) -> HttpResponse:
    from territori.frameworks import selectors as fw

    mas = fw.agenda_groups()
    return render(request, "portal/infographics.html", {"mas_list": mas, "sizes": cards.SIZES})


def _mission(framework: str, code: str) -> Any:
    from territori.frameworks import selectors as fw
    from territori.frameworks.models import Node

    try:
        return fw.node_get(framework_code=framework, code=code)
    except Node.DoesNotExist as exc:
        raise Http404(_("No such node")) from exc


def mission_infographic(request: HttpRequest, framework: str, code: str) -> HttpResponse:
    from territori.indicators import selectors as ind
    from territori.presentation.assessments import assessment_badge
    from territori.presentation.monitoring import node_monitoring

    node = _mission(framework, code)
    items = ind.node_indicators(node=node)
    tiles = []
    for item in items:
        latest = item.values[-1] if item.values else None
        tiles.append(
            {
                "item": item,
                "latest": latest,
                "badge": assessment_badge(item.long, item.indicator, "long"),
                "points": sparkline_points([value for _year, value in item.values]),
            }
        )
    context = {
        "node": node,
        "tiles": tiles,
        "sizes": cards.SIZES,
        "card": cards.mission_card(node),
    }
    context |= node_monitoring(node)
    return render(request, "portal/infographic_mission.html", context)


def _card_response(content: cards.CardContent, size: str, fmt: str, name: str) -> HttpResponse:
    if size not in cards.SIZES:
        raise Http404(_("Unknown size"))
    svg = cards.card_svg(content, size)
    if fmt == "svg":
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    elif fmt == "png":
        response = HttpResponse(cards.card_png(svg), content_type="image/png")
    else:
        raise Http404(_("Unknown format"))
    response["Content-Disposition"] = f'inline; filename="{name}-{size}.{fmt}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


def indicator_card(request: HttpRequest, code: str, size: str, fmt: str) -> HttpResponse:
    from territori.indicators.models import Indicator
    from territori.indicators.selectors import indicator_get

    try:
        indicator = indicator_get(code=code)
    except Indicator.DoesNotExist as exc:
        raise Http404(_("No such indicator")) from exc
    return _card_response(cards.indicator_card(indicator), size, fmt, f"indicatore-{code}")


def mission_card(
    request: HttpRequest, framework: str, code: str, size: str, fmt: str
) -> HttpResponse:
    node = _mission(framework, code)
    return _card_response(cards.mission_card(node), size, fmt, f"missione-{code}")
