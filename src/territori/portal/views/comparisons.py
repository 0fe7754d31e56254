"""Public pages benchmarking the metropolitan city among its peers ("Confronti"): an
indicator across the 14 metropolitan cities (or every province), a scorecard of one city by
BES domain or Mission, and composites by domain."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from territori.indicators import comparisons as cmp
from territori.indicators.models import Indicator
from territori.presentation.charts import (
    bump_chart,
    chart_block,
    ranked_bars,
    series_chart,
    territory_colours,
)
from territori.presentation.downloads import table_response
from territori.presentation.maps import choropleth
from territori.territories import selectors as terr
from territori.territories.models import Territory
from territori.territories.selectors import home_territory_code
from territori.territories.services import PROVINCES_TOPOLOGY

TABLES = ("classifica", "ranghi", "serie")


def _flag(request: HttpRequest, name: str) -> bool:
    return request.GET.get(name, "") in {"1", "on", "true", "si", "sì"}


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("anno", "")
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2100 else None


def comparison_index(request: HttpRequest) -> HttpResponse:
    indicators = cmp.comparable_indicators()
    groups: dict[str, dict[str, Any]] = {}
    for indicator in indicators:
        domain = next(
            (n for n in indicator.nodes.all() if n.framework.code == cmp.DEFAULT_GROUPING), None
        )
        key = domain.code if domain else "~"
        group = groups.setdefault(key, {"node": domain, "indicators": []})
        group["indicators"].append(indicator)
    home = terr.home_territory()
    cities = terr.metro_cities()
    return render(
        request,
        "portal/comparison_index.html",
        {
            "groups": [groups[k] for k in sorted(groups)],
            "home": home,
            "cities": sorted(cities, key=lambda t: t.label),
        },
    )


def _comparison(request: HttpRequest, code: str) -> cmp.Comparison:
    indicator = get_object_or_404(Indicator, code=code)
    return cmp.indicator_comparison(
        indicator=indicator, provinces=_flag(request, "province"), year=_year(request)
    )


def comparison_detail(request: HttpRequest, code: str) -> HttpResponse:
    comparison = _comparison(request, code)
    indicator = comparison.indicator
    if not comparison.rows or comparison.year is None:
        raise Http404("no comparable values for this indicator")
    home = next((r.place.label for r in comparison.rows if r.place.is_home), "")
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""

    def data_url(table: str) -> str:
        kwargs = {"code": indicator.code, "table": table, "fmt": "csv"}
        return reverse("portal:comparison_data", kwargs=kwargs) + suffix

    wanted = {c for value in request.GET.getlist("confronta") for c in value.split(",") if c}
    shown = {r.place.code for r in comparison.rows if r.place.is_home or r.place.code in wanted}
    shown |= {r.place.code for r in comparison.references}
    order = {r.place.code: i for i, r in enumerate([*comparison.rows, *comparison.references])}
    home_code = next((r.place.code for r in comparison.rows if r.place.is_home), "")
    series = sorted(
        (row for row in comparison.series if row["code"] in shown),
        key=lambda row: (  # the home territory first, then the peers by rank, then references
            row["code"] != home_code,
            order.get(str(row["code"]), 999),
            int(row["year"]),  # type: ignore[call-overload]
        ),
    )
    # the territories drawn in colour keep the colour the series chart gives them
    drawn = list(dict.fromkeys(str(row["code"]) for row in series))
    palette = dict(zip(drawn, territory_colours(drawn), strict=True))
    colours = {
        r.place.label: palette[r.place.code] for r in comparison.rows if r.place.code in palette
    }
    group = (
        _("provinces and metropolitan cities") if comparison.provinces else _("metropolitan cities")
    )
    charts = {
        "bars": chart_block(
            ranked_bars(
                rows=[
                    {"territory": r.place.label, "value": r.value, "rank": r.rank}
                    for r in comparison.rows
                    if r.rank is not None
                ][: 40 if comparison.provinces else None],
                description=_("%(indicator)s in %(year)s: the %(group)s in rank order.")
                % {"indicator": indicator.name, "year": comparison.year, "group": group},
                unit=indicator.unit,
                colours=colours,
                height=520 if comparison.provinces else 360,
            ),
            chart_id="confronto-barre",
            csv_url=data_url("classifica"),
            title=_("Value and rank in %(year)s") % {"year": comparison.year},
        ),
        "bump": chart_block(
            bump_chart(
                rows=comparison.ranks,
                description=_(
                    "Rank of each metropolitan city on %(indicator)s year by year; %(home)s highlighted."
                )
                % {"indicator": indicator.name, "home": home},
                colours=colours,
            ),
            chart_id="confronto-ranghi",
            csv_url=data_url("ranghi"),
            title=_("Rank over time"),
        ),
        "series": chart_block(
            series_chart(
                rows=series,
                description=_("%(indicator)s over time for the territories chosen.")
                % {"indicator": indicator.name},
                unit=indicator.unit,
            ),
            chart_id="confronto-serie",
            csv_url=data_url("serie"),
            title=_("Values over time"),
        ),
        "map": chart_block(
            choropleth(
                topology_url=reverse("portal:topology", kwargs={"key": PROVINCES_TOPOLOGY}),
                values=[
                    {"code": r.place.code, "value": r.value}
                    for r in comparison.rows
                    if r.value is not None
                ],
                description=_(
                    "Map of the %(group)s of Italy coloured by %(indicator)s in %(year)s."
                )
                % {"group": group, "indicator": indicator.name, "year": comparison.year},
                legend_title=indicator.unit or _("Value"),
                reverse=indicator.polarity < 0,
                feature="province",
                name_title=_("Territory"),
                outline={
                    r.place.code: palette[r.place.code]
                    for r in comparison.rows
                    if r.place.code in palette
                },
                height=520,
            ),
            chart_id="confronto-mappa",
            csv_url=data_url("classifica"),
            title=_("Map, %(year)s") % {"year": comparison.year},
        ),
    }
    return render(
        request,
        "portal/comparison_detail.html",
        {
            "comparison": comparison,
            "indicator": indicator,
            "charts": charts,
            "home": home,
            "wanted": wanted,
            "series_rows": series,
            "provinces": comparison.provinces,
            "year_choices": list(reversed(comparison.years)),
        },
    )


def _table(comparison: cmp.Comparison, table: str) -> tuple[list[str], list[list[object]]]:
    if table == "classifica":
        header = [
            "anno",
            "rango",
            "su",
            "territorio",
            "codice",
            "valore",
            "distanza_dal_migliore",
            "distanza_dalla_mediana",
            "terzile",
            "tendenza_lungo_periodo",
            "tcma_lungo_periodo",
            "tendenza_breve_periodo",
            "tcma_breve_periodo",
            "stato_dati",
            "fonte",
            "licenza",
        ]
        rows: list[list[object]] = [
            [
                comparison.year,
                r.rank,
                comparison.count if r.rank else None,
                r.place.label,
                r.place.code,
                r.value,
                r.from_best,
                r.from_median,
                r.tercile or None,
                r.long.status if r.long else None,
                r.long.cagr if r.long else None,
                r.short.status if r.short else None,
                r.short.cagr if r.short else None,
                comparison.indicator.status,
                comparison.indicator.source,
                comparison.indicator.licence,
            ]
            for r in [*comparison.rows, *comparison.references]
        ]
        return header, rows
    if table == "ranghi":
        return ["territorio", "codice", "anno", "rango"], [
            [r["territory"], r["code"], r["year"], r["rank"]] for r in comparison.ranks
        ]
    return ["territorio", "codice", "anno", "valore"], [
        [r["territory"], r["code"], r["year"], r["value"]] for r in comparison.series
    ]


def comparison_data(request: HttpRequest, code: str, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404(f"unknown table {table!r}")
    comparison = _comparison(request, code)
    header, rows = _table(comparison, table)
    return table_response(header, rows, name=f"confronto-{code}-{table}", fmt=fmt)


def scorecard_choose(request: HttpRequest) -> HttpResponse:
    """The city chosen in the form (?citta=CODE) → its scorecard."""
    code = request.GET.get("citta", "") or home_territory_code()
    territory = get_object_or_404(
        Territory, code=code, kind__in=[Territory.Kind.METRO_CITY, Territory.Kind.PROVINCE]
    )
    return redirect("portal:scorecard", code=territory.code)


def scorecard_detail(request: HttpRequest, code: str) -> HttpResponse:
    territory = get_object_or_404(
        Territory.objects.defer("boundary"),
        code=code,
        kind__in=[Territory.Kind.METRO_CITY, Territory.Kind.PROVINCE],
    )
    framework_code = request.GET.get("quadro") or cmp.DEFAULT_GROUPING
    card = cmp.scorecard(territory=territory, framework_code=framework_code)
    cities = terr.metro_cities()
    groupings = [(cmp.DEFAULT_GROUPING, _("BES domains")), *cmp.grouping_frameworks()]
    return render(
        request,
        "portal/comparison_scorecard.html",
        {
            "card": card,
            "territory": territory,
            "cities": sorted(cities, key=lambda t: t.label),
            "groupings": list(dict(groupings).items()),
            "framework_code": framework_code,
            "csv_url": reverse("portal:scorecard_data", kwargs={"code": code, "fmt": "csv"})
            + (f"?quadro={framework_code}" if framework_code != cmp.DEFAULT_GROUPING else ""),
        },
    )


def scorecard_data(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    territory = get_object_or_404(Territory.objects.defer("boundary"), code=code)
    card = cmp.scorecard(
        territory=territory, framework_code=request.GET.get("quadro") or cmp.DEFAULT_GROUPING
    )
    header = [
        "gruppo",
        "indicatore",
        "nome",
        "anno",
        "valore",
        "rango",
        "su",
        "terzile",
        "tendenza_lungo_periodo",
    ]
    rows: list[list[object]] = [
        [
            group.node.code if group.node else "",
            item.indicator.code,
            item.indicator.name_it,
            item.year,
            item.value,
            item.rank,
            item.count,
            item.tercile or None,
            item.trend.status if item.trend else None,
        ]
        for group in card.groups
        for item in group.items
    ]
    return table_response(header, rows, name=f"pagella-{code}", fmt=fmt)


def composite_list(request: HttpRequest) -> HttpResponse:
    composites = cmp.peer_composites()
    blocks = []
    for position, item in enumerate(composites):
        rows = [
            {"territory": item.names[code], "code": code, "year": year, "value": value}
            for code, points in item.values.items()
            for year, value in points
            if code in {item.home, "IT"}
        ]
        latest = sorted(
            (
                (points[-1][1], points[-1][0], item.names[code], code == item.home)
                for code, points in item.values.items()
            ),
            reverse=True,
        )
        blocks.append(
            {
                "item": item,
                "latest": latest,
                "chart": chart_block(
                    series_chart(
                        rows=rows,
                        description=_(
                            "Composite index (AMPI) of the domain %(domain)s for %(home)s and Italy, "
                            "Italy in %(year)s = 100."
                        )
                        % {
                            "domain": item.node.title,
                            "home": item.names.get(item.home, ""),
                            "year": item.reference_year,
                        },
                        unit=_("index, Italy %(year)s = 100") % {"year": item.reference_year},
                        height=240,
                    ),
                    chart_id=f"composito-{position}",
                    csv_url=reverse("portal:composites_data", kwargs={"fmt": "csv"}),
                    title=item.node.title,
                ),
            }
        )
    return render(request, "portal/comparison_composites.html", {"blocks": blocks})


def composites_data(request: HttpRequest, fmt: str) -> HttpResponse:
    rows: list[list[object]] = [
        [
            item.node.code,
            item.node.title_it,
            code,
            item.names[code],
            year,
            value,
            item.reference_year,
        ]
        for item in cmp.peer_composites()
        for code, points in item.values.items()
        for year, value in points
    ]
    header = [
        "dominio",
        "nome",
        "codice",
        "territorio",
        "anno",
        "indice_ampi",
        "anno_riferimento_italia",
    ]
    return table_response(header, rows, name="compositi-citta-metropolitane", fmt=fmt)
