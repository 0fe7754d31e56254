"""Public pages of the monitoring system: catalogue, indicator page, data downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from territori.core import jsonsafe
from territori.indicators import comparisons as cmp
from territori.indicators import selectors as ind
from territori.indicators.models import Indicator
from territori.io.limits import year_problem
from territori.io.tabular import write_csv, write_xlsx
from territori.presentation.assessments import (
    INDICATOR_LEVEL,
    METHOD_COLUMNS,
    assessment_badge,
    method_cell,
    method_headers,
)
from territori.presentation.charts import chart_block, series_chart
from territori.presentation.maps import choropleth
from territori.territories import selectors as terr
from territori.territories.models import Territory
from territori.territories.services import COMUNI_TOPOLOGY

DATA_HEADER = [
    "indicatore",
    "territorio",
    "codice_territorio",
    "tipo_territorio",
    "anno",
    "disaggregazione",
    "valore",
    "provvisorio",
    "stimato",
    "interruzione_serie",
    "copertura_popolazione",
    "stato_dato",  # the indicator's status: an illustrative series says so on every row
]


def _year(text: str) -> int | None:
    """The ?anno= parameter: a year within the accepted range, else none chosen."""
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        return None
    return None if year_problem(int(text)) else int(text)


def indicator_list(request: HttpRequest) -> HttpResponse:
    filters = ind.CatalogueFilters(
        mission=request.GET.get("missione", "")[:20],
        axis=request.GET.get("asse", "")[:20],
        sdg=request.GET.get("sdg", "")[:20],
        level=request.GET.get("livello", "")[:20],
        status=request.GET.get("stato", "")[:20],
        source=request.GET.get("fonte", "")[:100],
        query=request.GET.get("q", "")[:100],
    )
    catalogue = ind.indicator_catalogue(filters=filters, page=request.GET.get("pagina"))
    rows = [
        {
            "entry": entry,
            "badge_long": assessment_badge(entry.assessments.get("long"), entry.indicator, "long"),
            "badge_short": assessment_badge(
                entry.assessments.get("short"), entry.indicator, "short"
            ),
        }
        for entry in catalogue.entries
    ]
    kept = request.GET.copy()
    kept.pop("pagina", None)
    return render(
        request,
        "portal/indicator_list.html",
        {
            "rows": rows,
            "page": catalogue.page,
            "kept_query": kept.urlencode(),
            "filters": filters,
            "options": ind.catalogue_filter_options(),
            "levels": [(k.value, k.label) for k in Territory.Kind if k != Territory.Kind.CUSTOM],
        },
    )


def _get_indicator(code: str) -> Indicator:
    try:
        return ind.indicator_get(code=code)
    except Indicator.DoesNotExist as exc:
        raise Http404(_("No such indicator")) from exc


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = _get_indicator(code)
    chosen = request.GET.get("territorio", "").strip()[:20]
    year_text = request.GET.get("anno", "")
    page = ind.indicator_page(
        indicator=indicator,
        chosen_code=chosen if chosen not in ind.reference_codes() else "",
        year=_year(year_text),
    )
    names = {code: t.display_name for code, t in page.territories.items()}
    rows = [
        {
            "territory": names[code],
            "code": code,
            "year": year,
            "value": round(value, indicator.decimals + 2),
        }
        for code, series in page.series.items()
        for year, value, _obs in series
    ]
    band = []
    for code, projection in page.projections.items():
        series = page.series.get(code) or []
        if not series or projection.value is None:
            continue
        last_year, last_value, _obs = series[-1]
        band.append(
            {
                "territory": names[code],
                "year": last_year,
                "value": last_value,
                "lower": last_value,
                "upper": last_value,
            }
        )
        band.append(
            {
                "territory": names[code],
                "year": projection.year,
                "value": projection.value,
                "lower": projection.lower if projection.lower is not None else projection.value,
                "upper": projection.upper if projection.upper is not None else projection.value,
            }
        )
    targets = [
        {
            "year": t.year,
            "value": t.value,
            "label": f"{t.get_kind_display()} {t.year}"
            + (f" ({t.territory.name})" if t.territory else ""),
        }
        for t in page.targets
    ]
    data_url = reverse("portal:indicator_data", kwargs={"code": indicator.code, "fmt": "csv"})
    codes = ",".join(page.territories)
    charts = {
        "series": chart_block(
            series_chart(
                rows=rows,
                description=_(
                    "Time series of %(name)s for the metropolitan city, Piedmont and Italy, with targets and the projection to %(year)s."
                )
                % {"name": indicator.name, "year": 2030},
                unit=indicator.unit,
                targets=targets,
                band=band,
            ),
            chart_id="chart-series",
            csv_url=f"{data_url}?territori={codes}",
            title=_("Time series, targets and projection"),
        )
    }
    if page.map_values:
        charts["map"] = chart_block(
            choropleth(
                topology_url=reverse("portal:topology", kwargs={"key": COMUNI_TOPOLOGY}),
                values=[
                    {"code": t.code, "value": round(v, indicator.decimals + 2)}
                    for t, v, _p in page.map_values
                ],
                description=_("Map of %(name)s by comune in %(year)s.")
                % {"name": indicator.name, "year": page.map_year},
                legend_title=indicator.unit or indicator.name,
                reverse=indicator.polarity < 0,
            ),
            chart_id="chart-map",
            csv_url=f"{data_url}?anno={page.map_year}&livello=comune",
            title=_("Comuni in %(year)s") % {"year": page.map_year},
        )
    series_table = []
    all_years = sorted({year for series in page.series.values() for year, _v, _o in series})
    for year in all_years:
        cells = []
        for code in page.series:
            match = next((o for y, v, o in page.series[code] if y == year), None)
            cells.append(match)
        series_table.append((year, cells))
    badges = {
        code: [
            assessment_badge(
                page.assessments.get(code, {}).get(("eurostat", "long")), indicator, "long"
            ),
            assessment_badge(
                page.assessments.get(code, {}).get(("eurostat", "short")), indicator, "short"
            ),
        ]
        for code in page.series
    }
    level = any(INDICATOR_LEVEL in found for found in page.assessments.values())
    columns = [*METHOD_COLUMNS, *([INDICATOR_LEVEL] if level else [])]
    method_rows = [
        (names[code], [method_cell(page.assessments.get(code, {}).get(k)) for k in columns])
        for code in page.series
    ]
    context = {
        "indicator": indicator,
        "page": page,
        "method_headers": method_headers(indicator_level=level),
        "method_rows": method_rows,
        "charts": charts,
        "names": names,
        "series_codes": list(page.series),
        "series_table": series_table,
        "badges": badges,
        "data_url": data_url,
        "comparable": cmp.indicator_has_peers(indicator=indicator),
        "comuni": terr.comuni_and_zones(),
    }
    return render(request, "portal/indicator_detail.html", context)


def indicator_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Observations of an indicator as CSV, XLSX or JSON; filters territori, anno, livello."""
    indicator = _get_indicator(code)
    codes = [c.strip() for c in request.GET.get("territori", "").split(",") if c.strip()][:50]
    year = _year(request.GET.get("anno", ""))
    level = request.GET.get("livello", "")
    if level and level not in Territory.Kind.values:
        raise Http404(_("Unknown territorial level"))
    observations = ind.indicator_observations(
        filters=ind.ObservationFilters(
            indicator=indicator.code,
            territories=tuple(codes),
            level=level,
            year_from=year,
            year_to=year,
        )
    )
    rows: list[list[object]] = [
        [
            indicator.code,
            o.territory.name,
            o.territory.code,
            o.territory.kind,
            o.year,
            o.breakdown,
            o.value,
            o.provisional,
            o.estimated,
            o.break_in_series,
            o.coverage,
            indicator.status,
        ]
        for o in observations
    ]
    name = f"{indicator.code}"
    if fmt == "csv":
        response = HttpResponse(
            write_csv(DATA_HEADER, rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        about: list[list[object]] = [
            ["campo", "valore"],
            ["indicatore", indicator.code],
            ["nome", indicator.name_it],
            ["unità", indicator.unit],
            ["fonte", indicator.source],
            ["licenza", indicator.licence],
            ["stato del dato", indicator.get_status_display()],
        ]
        response = HttpResponse(
            write_xlsx({"dati": [list(DATA_HEADER), *rows], "metadati": about}),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "json":
        body = {
            "indicator": {
                "code": indicator.code,
                "name_it": indicator.name_it,
                "name_en": indicator.name_en,
                "unit": indicator.unit,
                "polarity": indicator.polarity,
                "source": indicator.source,
                "licence": indicator.licence,
                "status": indicator.status,
            },
            "observations": [dict(zip(DATA_HEADER, row, strict=True)) for row in rows],
        }
        response = HttpResponse(
            jsonsafe.dumps(body, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    else:
        raise Http404(_("Unknown format"))
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
