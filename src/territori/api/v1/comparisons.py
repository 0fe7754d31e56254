"""/api/v1/comparisons: one indicator across the metropolitan cities, a city's scorecard, the
composite indices of the peers."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from territori.indicators.comparisons import DEFAULT_GROUPING
from territori.indicators.models import Indicator
from territori.territories.models import Territory

from .base import ERRORS


class TrendOut(Schema):
    status: str
    cagr: float | None
    start_year: int | None
    end_year: int | None


class ComparisonRowOut(Schema):
    territory: str
    name: str
    kind: str
    home: bool
    value: float | None
    rank: int | None
    from_best: float | None
    from_median: float | None
    tercile: int | None
    long_term: TrendOut | None
    short_term: TrendOut | None


class RankOut(Schema):
    territory: str
    year: int
    rank: int


class ComparisonOut(Schema):
    indicator: str
    status: str = Field(description="confirmed (real data) or illustrative (invented demo data)")
    source: str
    licence: str
    edition: str
    polarity_confirmed: bool
    year: int | None
    years: list[int]
    ranked: int
    best: float | None
    median: float | None
    rows: list[ComparisonRowOut]
    references: list[ComparisonRowOut]
    ranks: list[RankOut]


class ComparisonFilters(Schema):
    year: int | None = Field(
        None, ge=1900, le=2100, description="default: the latest year most peers have"
    )
    provinces: bool = Field(
        False, description="rank every province, not only the 14 metropolitan cities"
    )


class ScoreItemOut(Schema):
    indicator: str
    group: str | None
    year: int | None
    value: float | None
    rank: int | None
    of: int
    tercile: int | None
    long_term: TrendOut | None


class ScorecardOut(Schema):
    territory: str
    grouping: str
    peers: int
    items: list[ScoreItemOut]


class CompositePointOut(Schema):
    territory: str
    year: int
    value: float


class PeerCompositeOut(Schema):
    node: str
    title_it: str
    title_en: str
    indicators: list[str]
    left_out: list[str]
    reference: str
    reference_year: int | None
    values: list[CompositePointOut]


router = Router(tags=["comparisons"])


def _trend_out(trend: Any) -> dict[str, Any] | None:
    return None if trend is None else trend.__dict__


def _row_out(row: Any) -> dict[str, Any]:
    return {
        "territory": row.place.code,
        "name": row.place.label,
        "kind": row.place.kind,
        "home": row.place.is_home,
        "value": row.value,
        "rank": row.rank,
        "from_best": row.from_best,
        "from_median": row.from_median,
        "tercile": row.tercile or None,
        "long_term": _trend_out(row.long),
        "short_term": _trend_out(row.short),
    }


@router.get("/indicators/{code}", response=ComparisonOut, openapi_extra=ERRORS)
def comparison_detail(request: HttpRequest, code: str, filters: Query[ComparisonFilters]) -> Any:
    """One indicator across the metropolitan cities (or every province), with the home region
    and Italy: value, rank and distances in a year, ranks over time, trends."""
    from territori.indicators.comparisons import indicator_comparison

    indicator = get_object_or_404(Indicator, code=code)
    result = indicator_comparison(
        indicator=indicator, provinces=filters.provinces, year=filters.year
    )
    return {
        "indicator": indicator.code,
        "status": indicator.status,
        "source": indicator.source,
        "licence": indicator.licence,
        "edition": indicator.edition,
        "polarity_confirmed": indicator.polarity_confirmed,
        "year": result.year,
        "years": result.years,
        "ranked": result.count,
        "best": result.best,
        "median": result.median,
        "rows": [_row_out(r) for r in result.rows],
        "references": [_row_out(r) for r in result.references],
        "ranks": [
            {"territory": r["code"], "year": r["year"], "rank": r["rank"]} for r in result.ranks
        ],
    }


@router.get("/scorecards/{territory}", response=ScorecardOut, openapi_extra=ERRORS)
def scorecard_detail(request: HttpRequest, territory: str, grouping: str = DEFAULT_GROUPING) -> Any:
    """A metropolitan city's (or province's) rank among its peers on every indicator, grouped
    by the nodes of a framework (`bes` domains by default, or e.g. the agenda's Missions)."""
    from territori.indicators.comparisons import scorecard

    place = get_object_or_404(
        Territory.objects.defer("boundary"),
        code=territory,
        kind__in=[Territory.Kind.METRO_CITY, Territory.Kind.PROVINCE],
    )
    card = scorecard(territory=place, framework_code=grouping)
    return {
        "territory": place.code,
        "grouping": grouping,
        "peers": card.peers,
        "items": [
            {
                "indicator": item.indicator.code,
                "group": group.node.code if group.node else None,
                "year": item.year,
                "value": item.value,
                "rank": item.rank,
                "of": item.count,
                "tercile": item.tercile or None,
                "long_term": _trend_out(item.trend),
            }
            for group in card.groups
            for item in group.items
        ],
    }


@router.get("/composites", response=list[PeerCompositeOut], openapi_extra=ERRORS)
def peer_composite_list(request: HttpRequest, grouping: str = DEFAULT_GROUPING) -> Any:
    """AMPI of each node's indicators across the metropolitan cities and Italy (Italy in the
    first year it has every indicator = 100)."""
    from territori.indicators.comparisons import peer_composites

    return [
        {
            "node": item.node.code,
            "title_it": item.node.title_it,
            "title_en": item.node.title_en,
            "indicators": [i.code for i in item.indicators],
            "left_out": [c for c in item.note.split(", ") if c],
            "reference": "IT",
            "reference_year": item.reference_year,
            "values": [
                {"territory": name, "year": year, "value": value}
                for name, points in item.values.items()
                for year, value in points
            ],
        }
        for item in peer_composites(framework_code=grouping)
    ]
