"""The annual "Rapporto di monitoraggio dell'Agenda": content, HTML and PDF.

`report_content` gathers everything from stored rows (assessments and composites are
precomputed by the analytics) and renders charts to SVG with vl-convert from the site's
own Vega-Lite specs; `report_build` writes the HTML and the PDF (WeasyPrint) in Italian and
English, reporting its progress on the Report row so the staff page can show it. The same
data gives the same HTML: nothing in it depends on the clock.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territori.analytics import trends
from territori.core.richtext import render_markdown
from territori.frameworks import selectors as fw
from territori.frameworks.models import Node
from territori.indicators import selectors as ind
from territori.indicators.models import Indicator, Observation
from territori.presentation import charts
from territori.presentation.maps import choropleth
from territori.territories import selectors as terr
from territori.territories.models import Territory
from territori.territories.selectors import site_owner
from territori.territories.services import COMUNI_TOPOLOGY

from .models import Report, ReportFigure
from .render import (
    FIGURE_REFERENCE,
    FIGURE_SCHEME,
    figure_digest,
    figure_img,
    spec_png,
    static_spec,
)

logger = logging.getLogger(__name__)

LANGUAGES = ("it", "en")
CHART_WIDTH, CHART_HEIGHT = 440, 170
MAP_WIDTH, MAP_HEIGHT = 300, 300
TABLE_YEARS = 6


@dataclass
class IndicatorSection:
    indicator: Indicator
    long_status: tuple[str, str]
    short_status: tuple[str, str]
    sentence: str
    chart: str
    years: list[int]
    table: list[tuple[str, list[float | None]]]
    data_url: str


@dataclass
class MissionSection:
    node: Node
    commentary: str
    indicators: list[IndicatorSection]
    composite_chart: str
    composite_years: list[int]
    composite_table: list[tuple[str, list[float | None]]]
    map_chart: str = ""
    map_caption: str = ""
    map_extremes: list[tuple[str, float]] = field(default_factory=list)
    map_data_url: str = ""


@dataclass
class MasSection:
    node: Node
    commentary: str
    missions: list[MissionSection]


def _reference_names() -> dict[str, str]:
    """Display names of the home territory, its region and Italy, in the active language."""
    return {
        t.code: t.display_name for t in Territory.objects.filter(code__in=ind.reference_codes())
    }


def _chart_html(spec: dict[str, Any], label: str, cache: BuildCache, **size: int) -> str:
    """A chart as a PNG image at twice its size (print quality): WeasyPrint lays out an image
    many times faster than the same chart as SVG, which keeps the report within its time."""
    fixed = static_spec(spec, width=size["width"], height=size["height"])
    return cache.figure(spec_png(fixed), label, width=size["width"], height=size["height"])


def _table(
    series: dict[str, dict[int, float]], names: dict[str, str], years: list[int]
) -> list[tuple[str, list[float | None]]]:
    return [
        (names.get(code, code), [values.get(year) for year in years])
        for code, values in series.items()
    ]


class BuildCache:
    """What one build shares between its two languages: the comune values of the latest year
    (read once per indicator), the maps, and the images the bodies refer to (by digest)."""

    def __init__(self) -> None:
        topology = terr.topology_get(key=COMUNI_TOPOLOGY) if self.has_topology() else None
        self.topology = topology.data if topology else None
        self.latest = dict(
            Observation.objects.filter(territory__kind=Territory.Kind.COMUNE, breakdown="")
            .values("indicator_id")
            .annotate(year=Max("year"))
            .values_list("indicator_id", "year")
        )
        self.values: dict[int, list[dict[str, Any]]] = {}
        self.svg: dict[tuple[int, str], str] = {}
        self.figures: dict[str, bytes] = {}

    def figure(self, png: bytes, label: str, *, width: int, height: int) -> str:
        digest = figure_digest(png)
        self.figures[digest] = png
        return figure_img(digest, label, width=width, height=height)

    @staticmethod
    def has_topology() -> bool:
        from territori.territories.models import Topology

        return Topology.objects.filter(key=COMUNI_TOPOLOGY).exists()

    def rows(self, indicator: Indicator) -> list[dict[str, Any]]:
        if indicator.pk not in self.values:
            self.values[indicator.pk] = [
                {"code": code, "name": name, "value": value}
                for code, name, value in Observation.objects.filter(
                    indicator=indicator,
                    territory__kind=Territory.Kind.COMUNE,
                    breakdown="",
                    year=self.latest[indicator.pk],
                )
                .order_by("territory__code")
                .values_list("territory__code", "territory__name", "value")
            ]
        return self.values[indicator.pk]


def _one_layer(spec: dict[str, Any]) -> dict[str, Any]:
    """The site's two-layer choropleth (grey base, coloured comuni) as one layer whose colour
    falls back to grey: the same picture, drawn in half the time."""
    base, coloured = spec["layer"]
    layer = {
        **coloured,
        "transform": [coloured["transform"][0]],
        "encoding": {
            **coloured["encoding"],
            "color": {
                **coloured["encoding"]["color"],
                "condition": {"test": "!isValid(datum.value)", "value": base["mark"]["fill"]},
            },
        },
    }
    return {**spec, "layer": [layer]}


def _mission_map(section: MissionSection, items: list[Any], maps: BuildCache) -> None:
    """The comuni map of the Mission's first indicator with comune data."""
    if maps.topology is None:
        return
    indicator = next((i.indicator for i in items if i.indicator.pk in maps.latest), None)
    if indicator is None:
        return
    rows = maps.rows(indicator)
    year = maps.latest[indicator.pk]
    unit = f" ({indicator.unit})" if indicator.unit else ""
    caption = _("%(indicator)s%(unit)s by comune, %(year)s") % {
        "indicator": indicator.name,
        "unit": unit,
        "year": year,
    }
    key = (indicator.pk, translation.get_language() or "it")
    if key not in maps.svg:
        url = "topology"
        spec = choropleth(
            topology_url=url,
            values=rows,
            description=caption,
            legend_title=indicator.unit or indicator.code,
            reverse=indicator.polarity < 0,
        )
        fixed = static_spec(
            _one_layer(spec), width=MAP_WIDTH, height=MAP_HEIGHT, data={url: maps.topology}
        )
        maps.svg[key] = maps.figure(spec_png(fixed), caption, width=MAP_WIDTH, height=MAP_HEIGHT)
    ordered = sorted(rows, key=lambda row: row["value"], reverse=indicator.polarity >= 0)
    section.map_chart = maps.svg[key]
    section.map_caption = caption
    section.map_extremes = [(row["name"], row["value"]) for row in ordered[:3] + ordered[-3:]]
    section.map_data_url = reverse(
        "portal:indicator_data", kwargs={"code": indicator.code, "fmt": "csv"}
    )


def _indicator_section(
    item: ind.NodeIndicator,
    series: dict[str, dict[int, float]],
    names: dict[str, str],
    cache: BuildCache,
) -> IndicatorSection:
    from territori.presentation.assessments import assessment_sentence

    indicator = item.indicator
    rows = [
        {"territory": names.get(code, code), "code": code, "year": year, "value": value}
        for code, values in series.items()
        for year, value in sorted(values.items())
    ]
    years = sorted({year for values in series.values() for year in values})[-TABLE_YEARS:]
    label = _("%(indicator)s over time: metropolitan city, Piedmont and Italy.") % {
        "indicator": indicator.name
    }
    chart = (
        _chart_html(
            charts.series_chart(rows=rows, description=label, unit=indicator.unit),
            label,
            cache,
            width=CHART_WIDTH,
            height=CHART_HEIGHT,
        )
        if rows
        else ""
    )
    return IndicatorSection(
        indicator=indicator,
        long_status=ind.status_label(item.long.status if item.long else "not_assessable"),
        short_status=ind.status_label(item.short.status if item.short else "not_assessable"),
        sentence=assessment_sentence(item.long, indicator),
        chart=chart,
        years=years,
        table=_table(series, names, years),
        data_url=reverse("portal:indicator_data", kwargs={"code": indicator.code, "fmt": "csv"}),
    )


def _reference_series(indicators: list[Indicator]) -> dict[int, dict[str, dict[int, float]]]:
    """CMTo, Piemonte and Italia values of the indicators (one query)."""
    series: dict[int, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    references = ind.reference_codes()
    for indicator_id, code, year, value in Observation.objects.filter(
        indicator__in=indicators, breakdown="", territory__code__in=references
    ).values_list("indicator_id", "territory__code", "year", "value"):
        series[indicator_id][code][year] = value
    return {
        key: {code: value[code] for code in references if code in value}
        for key, value in series.items()
    }


def methodology() -> dict[str, Any]:
    """Methods and thresholds of the annex, read from the analytics so they cannot drift."""
    return {
        "eurostat_target": trends.EUROSTAT_RATIO_THRESHOLDS,
        "eurostat_rate": trends.EUROSTAT_RATE_THRESHOLD * 100,
        "istat": [value * 100 for value in trends.ISTAT_RATE_THRESHOLDS],
        "opensdg": [value * 100 for value in (trends.OPENSDG_HIGH, trends.OPENSDG_MEDIUM)],
        "opensdg_base_year": trends.OPENSDG_BASE_YEAR,
    }


def report_content(
    report: Report,
    *,
    progress: Callable[[int, str], None] | None = None,
    cache: BuildCache | None = None,
) -> str:
    """The report's body as HTML in the active language. Its charts and maps are PNG images
    referred to by digest (`FIGURE_SCHEME`); their bytes are in `cache.figures`."""
    names = _reference_names()
    commentary = {c.node_id: c for c in report.commentaries.all()}
    mas_nodes = fw.agenda_groups()
    missions = [mission for mas in mas_nodes for mission in mas.children.all()]
    cache = cache or BuildCache()
    all_indicators: dict[int, Indicator] = {}
    sections: list[MasSection] = []
    done = 0
    for mas in mas_nodes:
        mission_sections = []
        for mission in mas.children.all():
            items = ind.node_indicators(node=mission)
            for item in items:
                all_indicators[item.indicator.pk] = item.indicator
            series = _reference_series([item.indicator for item in items])
            composite = ind.node_composite(node=mission)
            composite_years = sorted({y for values in composite.values() for y, _v in values})
            composite_chart = ""
            if composite:
                rows = [
                    {
                        "territory": names.get(code, code),
                        "code": code,
                        "year": year,
                        "value": round(value, 2),
                    }
                    for code, values in composite.items()
                    for year, value in values
                ]
                label = _("Composite index (AMPI) of Mission %(code)s over time.") % {
                    "code": mission.code
                }
                composite_chart = _chart_html(
                    charts.series_chart(
                        rows=rows,
                        description=label,
                        unit=_("metropolitan city in the base year = 100"),
                    ),
                    label,
                    cache,
                    width=CHART_WIDTH,
                    height=CHART_HEIGHT,
                )
            section = MissionSection(
                node=mission,
                commentary=render_markdown(commentary[mission.pk].text)
                if mission.pk in commentary
                else "",
                indicators=[
                    _indicator_section(item, series.get(item.indicator.pk, {}), names, cache)
                    for item in items
                ],
                composite_chart=composite_chart,
                composite_years=composite_years[-TABLE_YEARS:],
                composite_table=_table(
                    {code: dict(values) for code, values in composite.items()},
                    names,
                    composite_years[-TABLE_YEARS:],
                ),
            )
            _mission_map(section, items, cache)
            mission_sections.append(section)
            done += 1
            if progress:
                progress(done, mission.code)
        sections.append(
            MasSection(
                node=mas,
                commentary=render_markdown(commentary[mas.pk].text) if mas.pk in commentary else "",
                missions=mission_sections,
            )
        )
    sources = sorted(
        {(i.source or _("source not recorded"), i.licence or "") for i in all_indicators.values()}
    )
    return render_to_string(
        "publication/_report_body.html",
        {
            "report": report,
            "introduction": render_markdown(report.introduction),
            "sections": sections,
            "mission_count": len(missions),
            "indicator_count": len(all_indicators),
            "illustrative": any(i.is_illustrative for i in all_indicators.values()),
            "methods": methodology(),
            "sources": sources,
            "base_url": settings.TERRITORI_BASE_URL.rstrip("/"),
        },
    )


def _figure_fetcher(figures: dict[str, bytes]) -> Any:
    """A WeasyPrint fetcher that reads the report's images from memory."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FigureFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(FIGURE_SCHEME):
                png = figures[url[len(FIGURE_SCHEME) :]]
                return URLFetcherResponse(url, body=png, headers={"Content-Type": "image/png"})
            return super().fetch(url, headers)

    return FigureFetcher(fail_on_errors=True)


def report_pdf(report: Report, body: str, language: str, figures: dict[str, bytes]) -> bytes:
    """The PDF of a report body: table of contents, page numbers, title and language. Its
    images are read from `figures` (digest to PNG); a missing one stops the build."""
    from weasyprint import HTML

    document = render_to_string(
        "publication/report_print.html",
        {"report": report, "body": body, "LANGUAGE_CODE": language, "site_owner": site_owner()},
    )
    html = HTML(
        string=document,
        base_url=settings.TERRITORI_BASE_URL,
        url_fetcher=_figure_fetcher(figures),
    )
    return bytes(html.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False))


def report_figures_store(report: Report, figures: dict[str, bytes], bodies: Iterable[str]) -> int:
    """Replace the report's stored images with those its bodies refer to."""
    used = {digest for body in bodies for digest in FIGURE_REFERENCE.findall(body)}
    missing = used - figures.keys()
    if missing:
        raise ValueError(f"report images referred to but not rendered: {sorted(missing)[:3]}")
    with transaction.atomic():
        ReportFigure.objects.filter(report=report).delete()
        rows = [ReportFigure(report=report, digest=d, png=figures[d]) for d in sorted(used)]
        return len(ReportFigure.objects.bulk_create(rows, batch_size=50))


def _set_progress(report: Report, percent: int, message: str, **extra: Any) -> None:
    fields = {"progress": percent, "progress_message": message[:200], **extra}
    Report.objects.filter(pk=report.pk).update(**fields)
    for key, value in fields.items():
        setattr(report, key, value)


def report_build(report_id: int) -> Report:
    """Build the report's HTML and PDF in both languages and store them (the task's body)."""
    report = Report.objects.get(pk=report_id)
    started = time.monotonic()
    _set_progress(report, 0, _("Starting"), state=Report.State.RUNNING)
    try:
        # the Missions are the macro-areas' children, as report_content walks them
        missions = Node.objects.filter(fw.site_frameworks().mission_filter()).count() or 1
        bodies: dict[str, str] = {}
        pdfs: dict[str, bytes] = {}
        cache = BuildCache()
        for position, language in enumerate(LANGUAGES):
            base = position * 50
            with translation.override(language):

                def step(done: int, code: str, base: int = base, language: str = language) -> None:
                    _set_progress(
                        report,
                        base + int(35 * done / missions),
                        _("Mission %(code)s (%(language)s)") % {"code": code, "language": language},
                    )

                bodies[language] = report_content(report, progress=step, cache=cache)
                _set_progress(report, base + 38, _("PDF (%(language)s)") % {"language": language})
                pdfs[language] = report_pdf(report, bodies[language], language, cache.figures)
        digest = hashlib.sha256("\n".join(bodies[lang] for lang in LANGUAGES).encode()).hexdigest()
        with transaction.atomic():
            report_figures_store(report, cache.figures, bodies.values())
            _set_progress(
                report,
                100,
                _("Built"),
                state=Report.State.DONE,
                html_it=bodies["it"],
                html_en=bodies["en"],
                pdf_it=pdfs["it"],
                pdf_en=pdfs["en"],
                content_hash=digest,
                built_at=timezone.now(),
                build_seconds=round(time.monotonic() - started, 1),
            )
    except Exception as exc:
        logger.exception("Report %s failed", report.year)
        _set_progress(report, report.progress, str(exc), state=Report.State.FAILED)
        raise
    return report
