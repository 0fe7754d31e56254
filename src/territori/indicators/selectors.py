"""Reads of the monitoring system, each with a bounded number of queries."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from territori.core.models import DataStatus
from territori.core.rows import RowList
from territori.frameworks.models import SDG_FRAMEWORK, Node
from territori.frameworks.selectors import SiteFrameworks, site_frameworks
from territori.territories.models import Territory
from territori.territories.selectors import home_territory_code

from .models import (
    Aggregation,
    Assessment,
    CompositeValue,
    DisparityValue,
    ImportBatch,
    Indicator,
    Observation,
    Projection,
    Target,
)


def reference_codes() -> tuple[str, ...]:
    """The home territory, its region and Italy (CMTo, Piemonte, Italia for Turin)."""
    home = home_territory_code()
    region = Territory.objects.filter(code=home).values_list("parent__code", flat=True).first()
    return tuple(dict.fromkeys(c for c in (home, region, "IT") if c))


POPULATION_INDICATOR = "POP"


def _nodes_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "nodes", queryset=Node.objects.select_related("framework").order_by("framework__order")
    )


@dataclass
class CatalogueFilters:
    """The filters of the indicator catalogue page and of the API's indicator list (one
    declaration). Empty means "any"; `status` is "real" or "illustrative", `level` a kind of
    territory the indicator has values for, `query` words of its name."""

    mission: str = ""
    axis: str = ""
    sdg: str = ""
    level: str = ""
    status: str = ""
    source: str = ""
    query: str = ""


@dataclass
class CatalogueEntry:
    """An indicator of the catalogue (nodes prefetched), the territorial levels it has values
    for, and the home territory's Eurostat assessments by window ("long", "short")."""

    indicator: Indicator
    levels: list[str]
    assessments: dict[str, Assessment]

    @property
    def level_labels(self) -> list[str]:
        """The levels in words, from the largest (Italy) to the smallest (the comune)."""
        return [str(kind.label) for kind in Territory.Kind if kind.value in self.levels]


def filtered_indicators(*, filters: CatalogueFilters) -> QuerySet[Indicator]:
    """Indicators matching the filters, by order and code (one query when evaluated; one more
    to find the site's agenda and plan when a Mission or axis is asked for)."""
    queryset = Indicator.objects.order_by("order", "code")
    site = site_frameworks() if filters.mission or filters.axis else SiteFrameworks()
    for framework, code in (
        (site.agenda_code, filters.mission),
        (site.plan_code, filters.axis),
        (SDG_FRAMEWORK, filters.sdg),
    ):
        if code:
            queryset = queryset.filter(nodes__framework__code=framework, nodes__code=code)
    if filters.status == "illustrative":
        queryset = queryset.filter(status=DataStatus.ILLUSTRATIVE)
    elif filters.status == "real":
        queryset = queryset.exclude(status=DataStatus.ILLUSTRATIVE)
    if filters.source:
        queryset = queryset.filter(source__icontains=filters.source)
    if filters.query:
        queryset = queryset.filter(
            Q(name_it__icontains=filters.query) | Q(name_en__icontains=filters.query)
        )
    if filters.level:
        queryset = queryset.filter(
            Exists(
                Observation.objects.filter(
                    indicator=OuterRef("pk"), territory__kind=filters.level
                ).order_by()
            )
        )
    return queryset.distinct()


#: Indicators on a page of the catalogue.
CATALOGUE_PAGE = 50


@dataclass
class CataloguePage:
    entries: list[CatalogueEntry]
    page: Page[Indicator]


def indicator_catalogue(*, filters: CatalogueFilters, page: str | int | None = 1) -> CataloguePage:
    """A page of the indicators matching the filters, with nodes, levels and the home
    territory's assessments (5 queries): the cost is a page's, however many indicators."""
    found = Paginator(filtered_indicators(filters=filters), CATALOGUE_PAGE).get_page(page)
    entries = catalogue_entries(
        indicators=list(
            Indicator.objects.filter(pk__in=[i.pk for i in found.object_list])
            .order_by("order", "code")
            .prefetch_related(_nodes_prefetch())
        )
    )
    return CataloguePage(entries=entries, page=found)


def catalogue_entries(*, indicators: list[Indicator]) -> list[CatalogueEntry]:
    """These indicators with their levels and the home territory's assessments (2 queries).
    A level is an EXISTS per kind of territory, which the observations' unique index answers
    with a probe per territory of that kind: the cost does not grow with the observations."""
    levels: dict[int, set[str]] = defaultdict(set)
    has = {
        f"has_{kind}": Exists(
            Observation.objects.filter(
                indicator=OuterRef("pk"),
                territory_id__in=Territory.objects.filter(kind=kind).values("pk"),
            )
        )
        for kind in Territory.Kind.values
    }
    for row in (
        Indicator.objects.filter(pk__in=[i.pk for i in indicators])
        .order_by()
        .annotate(**has)
        .values("pk", *has)
    ):
        levels[row["pk"]].update(name[4:] for name in has if row[name])
    badges: dict[int, dict[str, Assessment]] = defaultdict(dict)
    for assessment in Assessment.objects.filter(
        indicator__in=indicators, territory__code=home_territory_code(), method="eurostat"
    ):
        badges[assessment.indicator_id][assessment.window] = assessment
    return [
        CatalogueEntry(
            indicator=indicator,
            levels=sorted(levels.get(indicator.pk, set())),
            assessments=badges.get(indicator.pk, {}),
        )
        for indicator in indicators
    ]


def catalogue_filter_options() -> dict[str, list[Node]]:
    """The nodes indicators are filed under, by filter: "agenda", "plan" and "sdg" (2 queries)."""
    site = site_frameworks()
    filter_of = {site.agenda_code: "agenda", site.plan_code: "plan", SDG_FRAMEWORK: "sdg"}
    filter_of.pop("", None)
    nodes = Node.objects.filter(
        indicators__isnull=False, framework__code__in=list(filter_of)
    ).select_related("framework")
    options: dict[str, list[Node]] = {key: [] for key in ("agenda", "plan", "sdg")}
    for node in nodes.distinct().order_by("framework__order", "code"):
        options[filter_of[node.framework.code]].append(node)
    return options


def indicator_get(*, code: str) -> Indicator:
    return Indicator.objects.prefetch_related(_nodes_prefetch()).get(code=code)


@dataclass
class IndicatorPage:
    indicator: Indicator
    chosen: Territory | None
    series: dict[str, list[tuple[int, float, Observation]]] = field(default_factory=dict)
    territories: dict[str, Territory] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    projections: dict[str, Projection] = field(default_factory=dict)
    assessments: dict[str, dict[tuple[str, str], Assessment]] = field(default_factory=dict)
    map_year: int | None = None
    map_values: list[tuple[Territory, float, bool]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    zone_values: list[tuple[Territory, float, float | None]] = field(default_factory=list)
    disparity: DisparityValue | None = None  # among the comuni in the map year
    disparities: list[DisparityValue] = field(default_factory=list)  # every year


def indicator_page(
    *, indicator: Indicator, chosen_code: str = "", year: int | None = None
) -> IndicatorPage:
    """Everything the indicator page shows, in a fixed number of queries."""
    codes = [*reference_codes(), *([chosen_code] if chosen_code else [])]
    territories = {
        t.code: t for t in Territory.objects.filter(code__in=codes).defer("boundary", "search_text")
    }
    chosen = territories.get(chosen_code) if chosen_code else None
    page = IndicatorPage(indicator=indicator, chosen=chosen, territories=territories)
    ids = {t.pk: t.code for t in territories.values()}
    for observation in Observation.objects.filter(
        indicator=indicator, breakdown="", territory_id__in=ids
    ).order_by("year"):
        page.series.setdefault(ids[observation.territory_id], []).append(
            (observation.year, observation.value, observation)
        )
    page.targets = list(indicator.targets.select_related("territory").order_by("year"))
    for projection in Projection.objects.filter(
        indicator=indicator, territory_id__in=ids, method="linear"
    ):
        page.projections[ids[projection.territory_id]] = projection
    for assessment in Assessment.objects.filter(indicator=indicator, territory_id__in=ids):
        page.assessments.setdefault(ids[assessment.territory_id], {})[
            (assessment.method, assessment.window)
        ] = assessment
    page.years = list(
        Observation.objects.filter(
            indicator=indicator, breakdown="", territory__kind=Territory.Kind.COMUNE
        )
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )
    if page.years:
        page.map_year = year if year in page.years else page.years[-1]
        for observation in (
            Observation.objects.filter(
                indicator=indicator,
                breakdown="",
                year=page.map_year,
                territory__kind__in=[Territory.Kind.COMUNE, Territory.Kind.ZONA],
            )
            .select_related("territory")
            .defer("territory__boundary", "territory__search_text")
            .order_by("-value")
        ):
            if observation.territory.kind == Territory.Kind.COMUNE:
                page.map_values.append(
                    (observation.territory, observation.value, observation.provisional)
                )
            else:
                page.zone_values.append(
                    (observation.territory, observation.value, observation.coverage)
                )
        page.disparities = list(
            DisparityValue.objects.filter(
                indicator=indicator, level=Territory.Kind.COMUNE
            ).order_by("year")
        )
        page.disparity = next((d for d in page.disparities if d.year == page.map_year), None)
    return page


@dataclass
class ObservationFilters:
    """The filters of an indicator's data download and of the API's observations (one
    declaration). Empty means "any"."""

    indicator: str = ""
    territories: tuple[str, ...] = ()
    level: str = ""
    year_from: int | None = None
    year_to: int | None = None


def filtered_observations(*, filters: ObservationFilters) -> QuerySet[Observation]:
    """Observations matching the filters (unordered: each caller orders for its output)."""
    queryset = Observation.objects.all()
    if filters.indicator:
        queryset = queryset.filter(indicator__code=filters.indicator)
    if filters.territories:
        queryset = queryset.filter(territory__code__in=filters.territories)
    if filters.level:
        queryset = queryset.filter(territory__kind=filters.level)
    if filters.year_from is not None:
        queryset = queryset.filter(year__gte=filters.year_from)
    if filters.year_to is not None:
        queryset = queryset.filter(year__lte=filters.year_to)
    return queryset


def indicator_observations(*, filters: ObservationFilters) -> QuerySet[Observation]:
    """One indicator's observations for its download, with their territories, by level,
    territory, breakdown and year."""
    queryset = filtered_observations(filters=filters).select_related("territory")
    return queryset.defer("territory__boundary", "territory__search_text").order_by(
        "territory__kind", "territory__code", "breakdown", "year"
    )


@dataclass
class NodeIndicator:
    indicator: Indicator
    values: list[tuple[int, float]]
    short: Assessment | None
    long: Assessment | None


def node_indicators(*, node: Node) -> list[NodeIndicator]:
    """A node's indicators with CMTo series and Eurostat badges (3 queries)."""
    return indicators_with_badges(indicators=list(node.indicators.order_by("order", "code")))


def indicators_with_badges(*, indicators: list[Indicator]) -> list[NodeIndicator]:
    """Indicators with their CMTo series and Eurostat badges (2 queries)."""
    series: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for indicator_id, year, value in (
        Observation.objects.filter(
            indicator__in=indicators, breakdown="", territory__code=home_territory_code()
        )
        .order_by("year")
        .values_list("indicator_id", "year", "value")
    ):
        series[indicator_id].append((year, value))
    badges: dict[int, dict[str, Assessment]] = defaultdict(dict)
    for assessment in Assessment.objects.filter(
        indicator__in=indicators, territory__code=home_territory_code(), method="eurostat"
    ):
        badges[assessment.indicator_id][assessment.window] = assessment
    return [
        NodeIndicator(
            indicator=i,
            values=series.get(i.pk, []),
            short=badges[i.pk].get("short"),
            long=badges[i.pk].get("long"),
        )
        for i in indicators
    ]


def node_composite(*, node: Node, method: str = "ampi") -> dict[str, list[tuple[int, float]]]:
    """The node's composite for CMTo, Piemonte and Italia, by year (1 query)."""
    result: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for code, year, value in (
        CompositeValue.objects.filter(
            node=node, territory__code__in=reference_codes(), method=method
        )
        .order_by("year")
        .values_list("territory__code", "year", "value")
    ):
        if value is not None:
            result[code].append((year, value))
    return dict(result)


# the weakest status of a composite's indicators is the composite's own
_STATUS_WEAKNESS = [
    DataStatus.CONFIRMED,
    DataStatus.PARTIAL,
    DataStatus.MISSING,
    DataStatus.ILLUSTRATIVE,
]


def node_data_status(*, node: Node) -> str:
    """How the node's composite is known: the weakest status among its indicators (an
    illustrative indicator makes the composite illustrative), in one query."""
    statuses = set(node.indicators.values_list("status", flat=True))
    weakest = [status for status in _STATUS_WEAKNESS if status in statuses]
    return str(weakest[-1]) if weakest else str(DataStatus.MISSING)


@dataclass
class ProfileRow:
    indicator: Indicator
    year: int
    value: float
    metro: float | None
    difference: float | None
    zona: float | None = None
    peers: float | None = None  # the median of the metropolitan cities in the same year
    peer_count: int = 0
    total: bool = False  # a total summed from the comuni: shown, not compared

    def _read(self, difference: float | None) -> str:
        if difference is None:
            return ""
        signed = difference * self.indicator.polarity
        return "better" if signed > 0 else "worse" if signed < 0 else "same"

    @property
    def reading(self) -> str:
        """The difference from the metropolitan city read with the indicator's polarity:
        "better", "worse", "same", or "" when there is nothing to compare."""
        return self._read(self.difference)

    @property
    def peer_reading(self) -> str:
        """The same reading against the median of the metropolitan cities."""
        return self._read(None if self.peers is None else self.value - self.peers)


#: the median of the metropolitan cities is shown when at least this many have a value
PEER_MINIMUM = 3


def territory_profile(*, territory: Territory, zona: Territory | None = None) -> list[ProfileRow]:
    """The territory's latest value of every indicator against CMTo's (and its zona's, when
    given) and the median of the metropolitan cities in the same year, in four queries."""
    latest: dict[int, Observation] = {}
    for observation in (
        Observation.objects.filter(territory=territory, breakdown="")
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code", "year")
    ):
        latest[observation.indicator_id] = observation
    references: dict[tuple[str, int, int], float] = {
        (code, indicator_id, year): value
        for code, indicator_id, year, value in Observation.objects.filter(
            territory__code__in=[home_territory_code(), *([zona.code] if zona else [])],
            breakdown="",
            indicator_id__in=latest,
        ).values_list("territory__code", "indicator_id", "year", "value")
    }
    # a total (summed from the comuni: inhabitants, area) is not compared with a larger
    # territory's total: the difference would only say that the comune is smaller
    latest_comparable = {
        pk: o for pk, o in latest.items() if o.indicator.aggregation != Aggregation.SUM
    }
    wanted = {(o.indicator_id, o.year) for o in latest_comparable.values()}
    peers: dict[tuple[int, int], list[float]] = defaultdict(list)
    for indicator_id, year, value in Observation.objects.filter(
        territory__kind=Territory.Kind.METRO_CITY,
        territory__valid_to__isnull=True,
        breakdown="",
        indicator_id__in=latest_comparable,
        year__in={year for _i, year in wanted},
    ).values_list("indicator_id", "year", "value"):
        if (indicator_id, year) in wanted:
            peers[indicator_id, year].append(value)
    rows = []
    for observation in latest.values():
        key = (observation.indicator_id, observation.year)
        reference = references.get((home_territory_code(), *key))
        compared = observation.indicator_id in latest_comparable
        cities = peers.get(key, []) if len(peers.get(key, [])) >= PEER_MINIMUM else []
        rows.append(
            ProfileRow(
                indicator=observation.indicator,
                year=observation.year,
                value=observation.value,
                metro=reference,
                difference=None
                if reference is None or not compared
                else observation.value - reference,
                zona=references.get((zona.code, *key)) if zona else None,
                peers=float(statistics.median(cities)) if cities else None,
                peer_count=len(cities),
                total=not compared,
            )
        )
    return rows


STATUS_LABELS = {
    "significant_progress": ("success", gettext_noop("significant progress")),
    "moderate_progress": ("info", gettext_noop("moderate progress")),
    "insufficient_progress": ("warning", gettext_noop("insufficient progress")),
    "moderate_movement_away": ("warning", gettext_noop("moderate movement away")),
    "significant_movement_away": ("danger", gettext_noop("significant movement away")),
    "movement_away": ("danger", gettext_noop("movement away from the target")),
    "target_met": ("success", gettext_noop("target met")),
    "not_assessable": ("secondary", gettext_noop("not assessable")),
    # ISTAT (Rapporto SDGs)
    "strong_improvement": ("success", gettext_noop("strong improvement")),
    "improvement": ("info", gettext_noop("improvement")),
    "stable": ("light", gettext_noop("stable")),
    "worsening": ("warning", gettext_noop("worsening")),
    "strong_worsening": ("danger", gettext_noop("strong worsening")),
    # Open SDG progress measure
    "substantial_progress": ("success", gettext_noop("substantial progress")),
    "limited_progress": ("warning", gettext_noop("limited progress")),
    "deterioration": ("danger", gettext_noop("deterioration")),
    "target_achieved": ("success", gettext_noop("target achieved")),
}


#: Why a series is not assessable: analytics.trends.REASONS, marked here for translation.
REASON_WORDS = (
    gettext_noop("fewer than two values in the window"),
    gettext_noop("the window spans too few years"),
    gettext_noop("start and end values have different signs"),
    gettext_noop("the start value is zero"),
    gettext_noop("the target year is not after the start year"),
)


def status_label(status: str) -> tuple[str, str]:
    css, text = STATUS_LABELS.get(status, ("secondary", status))
    return css, _(text)


@dataclass(frozen=True)
class RecentAssessment:
    indicator: Indicator
    status: str
    status_css: str
    status_text: str
    end_year: int | None


def recent_assessments(*, shown: int = 3) -> list[RecentAssessment]:
    """The home territory's latest long-term assessments (Eurostat method), newest first."""
    rows = (
        Assessment.objects.filter(
            territory__code=home_territory_code(), window="long", method="eurostat"
        )
        .select_related("indicator")
        .order_by("-computed_at", "indicator__order", "indicator__code")[:shown]
    )
    result = []
    for row in rows:
        css, text = status_label(row.status)
        result.append(RecentAssessment(row.indicator, row.status, css, text, row.end_year))
    return result


# --- Plain rows for the API and downloads ---------------------------------------------------

OBSERVATION_COLUMNS = (
    ("indicator", "indicator__code"),
    ("territory", "territory__code"),
    ("level", "territory__kind"),
    ("year", "year"),
    ("breakdown", "breakdown"),
    ("value", "value"),
    ("provisional", "provisional"),
    ("estimated", "estimated"),
    ("data_status", "indicator__status"),  # illustrative series keep their label
)


INDICATOR_FIELDS = (
    "code",
    "category",
    "name_it",
    "name_en",
    "unit",
    "polarity",
    "source",
    "licence",
    "status",
)


def indicator_rows(*, filters: CatalogueFilters) -> RowList:
    """The indicators the catalogue page lists for the same filters, as plain rows."""
    return RowList(
        filtered_indicators(filters=filters).values_list(*INDICATOR_FIELDS), INDICATOR_FIELDS
    )


def observation_rows(*, filters: ObservationFilters) -> RowList:
    """Observations (plain rows: codes, never ids) in the order of their unique key
    (indicator, territory, breakdown, year, as loaded), which an index gives: the first page
    and a cursor's next page never sort the whole table."""
    rows = filtered_observations(filters=filters).order_by(
        "indicator_id", "territory_id", "breakdown", "year"
    )
    names = tuple(name for name, _field in OBSERVATION_COLUMNS)
    return RowList(rows.values_list(*(f for _name, f in OBSERVATION_COLUMNS)), names)


def assessment_rows(*, indicator: str | None = None, territory: str | None = None) -> RowList:
    rows = Assessment.objects.order_by("indicator__code", "territory__code", "method", "window")
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if territory:
        rows = rows.filter(territory__code=territory)
    names = (
        "indicator",
        "territory",
        "method",
        "window",
        "start_year",
        "end_year",
        "cagr",
        "required_cagr",
        "score",
        "status",
        "data_status",
    )
    return RowList(
        rows.values_list("indicator__code", "territory__code", *names[2:-1], "indicator__status"),
        names,
    )


def composite_rows(
    *, node: str | None = None, territory: str | None = None, method: str | None = None
) -> RowList:
    """Composite values; `node` is "framework:code" or a code in any framework."""
    rows = CompositeValue.objects.order_by(
        "node__framework__code", "node__code", "territory__code", "year", "method"
    )
    if node:
        framework, _sep, code = node.rpartition(":")
        rows = rows.filter(node__code=code)
        if framework:
            rows = rows.filter(node__framework__code=framework)
    if territory:
        rows = rows.filter(territory__code=territory)
    if method:
        rows = rows.filter(method=method)
    names = ("framework", "node", "territory", "year", "method", "value", "indicators")
    values = rows.values_list(
        "node__framework__code",
        "node__code",
        "territory__code",
        "year",
        "method",
        "value",
        "indicators",
    )
    return RowList(values, names)


def recent_import_batches(*, limit: int) -> list[ImportBatch]:
    """The newest import batches with who made them (never the files themselves)."""
    return list(ImportBatch.objects.defer("original").select_related("actor")[:limit])
