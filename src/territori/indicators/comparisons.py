"""Reads for benchmarking a territory among its peers: the 14 metropolitan cities (or every
province), its region and Italy. Each selector makes a fixed number of queries, whatever
the number of territories, years or indicators, and computes ranks and composites in the
pure core (`analytics.ranking`, `analytics.composite`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from territori.analytics.composite import composite
from territori.analytics.ranking import rank_panel
from territori.frameworks.models import BES_FRAMEWORK, Framework, Node
from territori.territories.models import Territory
from territori.territories.selectors import home_territory_code

from .models import Assessment, Indicator, Observation, PeerRank

PEER_KINDS = (Territory.Kind.METRO_CITY,)
ALL_PROVINCE_KINDS = (Territory.Kind.METRO_CITY, Territory.Kind.PROVINCE)
#: The framework whose nodes group the scorecard when none is chosen (ISTAT's BES domains).
DEFAULT_GROUPING = BES_FRAMEWORK


@dataclass(frozen=True)
class Place:
    id: int
    code: str
    name: str
    label: str
    kind: str
    is_home: bool


@dataclass(frozen=True)
class TrendView:
    status: str
    cagr: float | None
    start_year: int | None
    end_year: int | None


@dataclass
class ComparisonRow:
    place: Place
    value: float | None
    rank: int | None = None
    from_best: float | None = None
    from_median: float | None = None
    tercile: int = 0
    long: TrendView | None = None
    short: TrendView | None = None


@dataclass
class Comparison:
    indicator: Indicator
    year: int | None
    years: list[int]
    count: int
    best: float | None
    median: float | None
    rows: list[ComparisonRow]  # the peers, best first; without a value last
    references: list[ComparisonRow]  # the home region and Italy (not ranked)
    series: list[dict[str, object]] = field(default_factory=list)  # territory, code, year, value
    ranks: list[dict[str, object]] = field(default_factory=list)  # territory, code, year, rank
    provinces: bool = False


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _places(kinds: tuple[str, ...]) -> tuple[list[Place], list[Place]]:
    """Peers (active territories of `kinds`) and references (home region, Italy): one query."""
    home = home_territory_code()
    rows = list(
        Territory.objects.filter(
            Q(kind__in=kinds, valid_to__isnull=True)
            | Q(code="IT")
            | Q(kind=Territory.Kind.REGION, children__code=home)
        )
        .distinct()
        .values_list("id", "code", "name", "name_en", "short_name", "kind")
    )
    peers: list[Place] = []
    references: list[Place] = []
    for pk, code, name, name_en, short_name, kind in rows:
        place = Place(
            id=pk,
            code=code,
            name=Territory(name=name, name_en=name_en).display_name,
            label=short_name or Territory(name=name, name_en=name_en).display_name,
            kind=kind,
            is_home=code == home,
        )
        (peers if kind in kinds else references).append(place)
    references.sort(key=lambda p: p.kind != Territory.Kind.REGION)
    peers.sort(key=lambda p: p.label)
    return peers, references


def _trend(assessment: Assessment | None) -> TrendView | None:
    if assessment is None:
        return None
    return TrendView(assessment.status, assessment.cagr, assessment.start_year, assessment.end_year)


def peer_year(values: np.ndarray, years: np.ndarray) -> int | None:
    """The latest year in which at least half of the peers have a value."""
    if not years.size:
        return None
    counts = np.isfinite(values).sum(axis=0)
    enough = np.nonzero(counts * 2 >= max(values.shape[0], 1))[0]
    return int(years[enough[-1]]) if enough.size else None


def indicator_comparison(
    *, indicator: Indicator, provinces: bool = False, year: int | None = None
) -> Comparison:
    """The peers side by side on one indicator: value, rank and distances in `year` (default:
    the latest year most peers have), ranks over time and each one's trend. Four queries."""
    kinds = ALL_PROVINCE_KINDS if provinces else PEER_KINDS
    peers, references = _places(kinds)
    everyone = {p.id: p for p in [*peers, *references]}
    observed = list(
        Observation.objects.filter(
            indicator=indicator, breakdown="", territory_id__in=list(everyone)
        )
        .order_by()
        .values_list("territory_id", "year", "value")
    )
    years = np.array(sorted({y for _, y, _ in observed}), dtype=np.int64)
    index = {p.id: i for i, p in enumerate(peers)}
    matrix = np.full((len(peers), len(years)), np.nan)
    reference_values: dict[int, dict[int, float]] = defaultdict(dict)
    column = {int(y): i for i, y in enumerate(years)}
    series: list[dict[str, object]] = []
    for territory_id, obs_year, value in observed:
        if not np.isfinite(value):
            continue  # one bad stored value never takes the page down
        if territory_id in index:
            matrix[index[territory_id], column[obs_year]] = value
        else:
            reference_values[territory_id][obs_year] = value
        place = everyone[territory_id]
        if place.is_home or territory_id not in index or not provinces:
            series.append(
                {"territory": place.label, "code": place.code, "year": obs_year, "value": value}
            )
    ranking = rank_panel(matrix, polarity=float(indicator.polarity))
    chosen = year if year is not None and year in column else peer_year(matrix, years)
    trends: dict[tuple[int, str], Assessment] = {
        (a.territory_id, a.window): a
        for a in Assessment.objects.filter(
            indicator=indicator, method="eurostat", territory_id__in=list(everyone)
        )
    }
    rows: list[ComparisonRow] = []
    c = column.get(chosen) if chosen is not None else None
    for place in peers:
        u = index[place.id]
        row = ComparisonRow(
            place=place,
            value=_finite(matrix[u, c]) if c is not None else None,
            long=_trend(trends.get((place.id, "long"))),
            short=_trend(trends.get((place.id, "short"))),
        )
        if c is not None and np.isfinite(ranking.rank[u, c]):
            row.rank = int(ranking.rank[u, c])
            row.from_best = _finite(ranking.from_best[u, c])
            row.from_median = _finite(ranking.from_median[u, c])
            row.tercile = int(ranking.tercile[u, c])
        rows.append(row)
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.place.label))
    reference_rows = [
        ComparisonRow(
            place=place,
            value=reference_values[place.id].get(chosen) if chosen is not None else None,
            long=_trend(trends.get((place.id, "long"))),
            short=_trend(trends.get((place.id, "short"))),
        )
        for place in references
    ]
    ranks = [
        {
            "territory": place.label,
            "code": place.code,
            "year": int(years[t]),
            "rank": int(ranking.rank[u, t]),
        }
        for u, place in enumerate(peers)
        if not provinces or place.kind == Territory.Kind.METRO_CITY
        for t in range(len(years))
        if np.isfinite(ranking.rank[u, t])
    ]
    return Comparison(
        indicator=indicator,
        year=chosen,
        years=[int(y) for y in years],
        count=int(ranking.count[c]) if c is not None else 0,
        best=_finite(ranking.best[c]) if c is not None else None,
        median=_finite(ranking.median[c]) if c is not None else None,
        rows=rows,
        references=reference_rows,
        series=series,
        ranks=ranks,
        provinces=provinces,
    )


def indicator_has_peers(*, indicator: Indicator) -> bool:
    """Whether another metropolitan city than the home one has values (one query)."""
    return (
        Observation.objects.filter(indicator=indicator, territory__kind=Territory.Kind.METRO_CITY)
        .exclude(territory__code=home_territory_code())
        .exists()
    )


def comparable_indicators() -> list[Indicator]:
    """Indicators with values for metropolitan cities, in catalogue order (two queries: an
    EXISTS the observations' unique index answers, whatever their number)."""
    metro = Territory.objects.filter(kind=Territory.Kind.METRO_CITY).values("pk")
    return list(
        Indicator.objects.filter(
            Exists(
                Observation.objects.filter(
                    indicator=OuterRef("pk"), territory_id__in=metro, breakdown=""
                )
            )
        )
        .prefetch_related(
            Prefetch("nodes", queryset=Node.objects.select_related("framework").order_by("code"))
        )
        .order_by("order", "code")
    )


# Scorecards -------------------------------------------------------------------------------


@dataclass
class ScoreItem:
    indicator: Indicator
    value: float | None
    year: int | None
    rank: int | None
    count: int
    tercile: int
    trend: TrendView | None  # the long-term assessment of the chosen territory


@dataclass
class ScoreGroup:
    node: Node | None
    items: list[ScoreItem]

    @property
    def top(self) -> int:
        return sum(1 for i in self.items if i.tercile == 1)

    @property
    def bottom(self) -> int:
        return sum(1 for i in self.items if i.tercile == 3)


@dataclass
class Scorecard:
    territory: Territory
    framework: Framework | None
    peers: int
    groups: list[ScoreGroup]


def scorecard_year(mine: np.ndarray, count: np.ndarray, *, peers: int) -> int | None:
    """The column to score: the latest year in which the territory has a value and at least
    half of the peers do; else the latest in which it and at least one other peer do."""
    has = np.isfinite(mine)
    for enough in (count * 2 >= peers, count >= 2):
        found = np.nonzero(has & enough)[0]
        if found.size:
            return int(found[-1])
    return None


def _peer_matrix(
    rows: list[tuple[int, int, float]], position: dict[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(years, peers × years matrix) of one indicator's (territory, year, value) rows."""
    years = np.array(sorted({y for _, y, _ in rows}), dtype=np.int64)
    matrix = np.full((len(position), len(years)), np.nan)
    column = {int(y): i for i, y in enumerate(years)}
    for territory_id, year, value in rows:
        matrix[position[territory_id], column[year]] = value
    return years, matrix


def scorecard(*, territory: Territory, framework_code: str = DEFAULT_GROUPING) -> Scorecard:
    """The territory's rank among its peers on every comparable indicator, grouped by the
    nodes of a framework (BES domains, the agenda's Missions...). Peers are the metropolitan
    cities for a metropolitan city, every province otherwise. Five queries."""
    kinds = PEER_KINDS if territory.kind == Territory.Kind.METRO_CITY else ALL_PROVINCE_KINDS
    framework = Framework.objects.filter(code=framework_code).first()
    peer_ids = list(
        Territory.objects.filter(kind__in=kinds, valid_to__isnull=True).values_list("id", flat=True)
    )
    if territory.pk not in peer_ids:
        peer_ids.append(territory.pk)
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(
            pk__in=Observation.objects.filter(territory_id=territory.pk, breakdown="")
            .order_by()
            .values("indicator_id")
        ).prefetch_related(
            Prefetch(
                "nodes",
                queryset=Node.objects.filter(framework=framework).order_by("position")
                if framework
                else Node.objects.none(),
                to_attr="grouping",
            )
        )
    }
    observed: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for indicator_id, territory_id, year, value in (
        Observation.objects.filter(
            indicator_id__in=list(indicators), breakdown="", territory_id__in=peer_ids
        )
        .order_by()
        .values_list("indicator_id", "territory_id", "year", "value")
    ):
        if np.isfinite(value):
            observed[indicator_id].append((territory_id, year, value))
    trends = {
        a.indicator_id: a
        for a in Assessment.objects.filter(
            indicator_id__in=list(indicators),
            territory=territory,
            method="eurostat",
            window="long",
        )
    }
    position = {pk: i for i, pk in enumerate(peer_ids)}
    me = position[territory.pk]
    grouped: dict[int | None, list[ScoreItem]] = defaultdict(list)
    nodes: dict[int | None, Node | None] = {None: None}
    for indicator_id, indicator in indicators.items():
        years, matrix = _peer_matrix(observed.get(indicator_id, []), position)
        if np.isfinite(matrix).sum(axis=0).max(initial=0) < 2:
            continue  # nothing to compare with
        ranking = rank_panel(matrix, polarity=float(indicator.polarity))
        c = scorecard_year(matrix[me], ranking.count, peers=len(peer_ids))
        if c is None:
            continue  # no year in which the territory and another peer both have a value
        item = ScoreItem(
            indicator=indicator,
            value=_finite(matrix[me, c]),
            year=int(years[c]),
            rank=int(ranking.rank[me, c]),
            count=int(ranking.count[c]),
            tercile=int(ranking.tercile[me, c]),
            trend=_trend(trends.get(indicator_id)),
        )
        groups = getattr(indicator, "grouping", []) or [None]
        for node in groups:
            key = node.pk if node is not None else None
            nodes[key] = node
            grouped[key].append(item)
    ordered = sorted(
        grouped,
        key=lambda k: (k is None, (nodes[k].order, nodes[k].code) if nodes[k] else (0, "")),  # type: ignore[union-attr]
    )
    return Scorecard(
        territory=territory,
        framework=framework,
        peers=len(peer_ids),
        groups=[
            ScoreGroup(
                node=nodes[key],
                items=sorted(grouped[key], key=lambda i: (i.indicator.order, i.indicator.code)),
            )
            for key in ordered
        ],
    )


# Stored ranks and the home page's summary -----------------------------------------------------

PEER_GROUPS = (
    (PeerRank.Peers.METRO, PEER_KINDS),
    (PeerRank.Peers.PROVINCE, ALL_PROVINCE_KINDS),
)


def peer_rank_rows(*, indicators: list[Indicator]) -> list[PeerRank]:
    """Every peer's scorecard rank on each of `indicators` (as `scorecard` computes it: the
    latest year in which the territory and at least half of its peers have a value), for both
    groups of peers: the rows `PeerRank` stores. Two queries per group."""
    result: list[PeerRank] = []
    for peers, kinds in PEER_GROUPS:
        peer_ids = list(
            Territory.objects.filter(kind__in=kinds, valid_to__isnull=True)
            .order_by("pk")
            .values_list("id", flat=True)
        )
        if len(peer_ids) < 2:
            continue
        position = {pk: i for i, pk in enumerate(peer_ids)}
        observed: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
        for indicator_id, territory_id, year, value in (
            Observation.objects.filter(
                indicator__in=indicators, breakdown="", territory_id__in=peer_ids
            )
            .order_by()
            .values_list("indicator_id", "territory_id", "year", "value")
        ):
            if np.isfinite(value):
                observed[indicator_id].append((territory_id, year, value))
        for indicator in indicators:
            years, matrix = _peer_matrix(observed.get(indicator.pk, []), position)
            if np.isfinite(matrix).sum(axis=0).max(initial=0) < 2:
                continue
            ranking = rank_panel(matrix, polarity=float(indicator.polarity))
            for row, territory_id in enumerate(peer_ids):
                c = scorecard_year(matrix[row], ranking.count, peers=len(peer_ids))
                if c is None:
                    continue
                rank, count = int(ranking.rank[row, c]), int(ranking.count[c])
                result.append(
                    PeerRank(
                        indicator_id=indicator.pk,
                        territory_id=territory_id,
                        peers=peers,
                        year=int(years[c]),
                        rank=rank,
                        count=count,
                        tercile=int(ranking.tercile[row, c]),
                        position=rank / count,
                    )
                )
    return result


@dataclass
class PeerSummary:
    territory: Territory
    metro: bool  # ranked among the metropolitan cities (else among every province)
    count: int  # indicators on which it is ranked
    top: int  # … in the top third
    bottom: int  # … in the bottom third
    best: list[PeerRank]
    worst: list[PeerRank]


def peer_summary(*, territory: Territory, size: int = 3) -> PeerSummary | None:
    """The territory's best and worst ranks among its peers, from the stored ranks: three
    queries, whatever the number of indicators."""
    peers = (
        PeerRank.Peers.METRO
        if territory.kind == Territory.Kind.METRO_CITY
        else PeerRank.Peers.PROVINCE
    )
    ranks = PeerRank.objects.filter(territory=territory, peers=peers)
    totals = ranks.aggregate(
        count=Count("pk"),
        top=Count("pk", filter=Q(tercile=1)),
        bottom=Count("pk", filter=Q(tercile=3)),
    )
    if not totals["count"]:
        return None
    listed = ranks.select_related("indicator")
    return PeerSummary(
        territory=territory,
        metro=peers == PeerRank.Peers.METRO,
        count=totals["count"],
        top=totals["top"],
        bottom=totals["bottom"],
        best=list(listed.order_by("position", "indicator__order", "indicator__code")[:size]),
        worst=list(listed.order_by("-position", "-indicator__order", "-indicator__code")[:size]),
    )


# Composites across the peers ---------------------------------------------------------------


@dataclass
class PeerComposite:
    node: Node
    indicators: list[Indicator]
    reference_year: int | None
    values: dict[str, list[tuple[int, float]]]  # territory code → (year, value)
    names: dict[str, str]  # territory code → label
    home: str  # the home territory's code
    note: str = ""


def _series_coverage(present: np.ndarray, *, min_years: int = 5) -> np.ndarray:
    """Which indicators (rows of `present`, indicators × years) to keep so that the reference
    has every kept indicator in at least `min_years` years: indicators are dropped one at a
    time, each time the one whose removal adds most complete years, while two remain."""
    keep = np.ones(present.shape[0], dtype=bool)
    while keep.sum() > 2 and present[keep].all(axis=0).sum() < min_years:
        gains = []
        for j in np.nonzero(keep)[0]:
            trial = keep.copy()
            trial[j] = False
            gains.append((int(present[trial].all(axis=0).sum()), -int(present[j].sum()), j))
        best = max(gains)
        if best[0] == 0:
            break
        keep[best[2]] = False
    if not present[keep].all(axis=0).any():
        keep[:] = False
    return keep


def peer_composites(*, framework_code: str = DEFAULT_GROUPING) -> list[PeerComposite]:
    """AMPI of each node's indicators across the metropolitan cities and Italy, with Italy in
    the first year it has every indicator as the reference (= 100), as ASviS's territorial
    reports do. Indicators without a value for Italy in the year most of them share are left
    out (named in `note`). Four queries."""
    peers, references = _places(PEER_KINDS)
    italy = next((p for p in references if p.code == "IT"), None)
    places = [*peers, *([italy] if italy else [])]
    index = {p.id: i for i, p in enumerate(places)}
    nodes = list(
        Node.objects.filter(framework__code=framework_code)
        .prefetch_related("indicators")
        .order_by("position")
    )
    indicator_ids = {i.pk for node in nodes for i in node.indicators.all()}
    observed: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    for indicator_id, territory_id, year, value in (
        Observation.objects.filter(
            indicator_id__in=indicator_ids, breakdown="", territory_id__in=list(index)
        )
        .order_by()
        .values_list("indicator_id", "territory_id", "year", "value")
    ):
        if np.isfinite(value):
            observed[indicator_id].append((territory_id, year, value))
    home = next((p.code for p in peers if p.is_home), "")
    names = {p.code: p.label for p in places}
    result = []
    for node in nodes:
        chosen = [i for i in node.indicators.all() if observed.get(i.pk)]
        if len(chosen) < 2 or italy is None:
            continue
        all_years = sorted({y for i in chosen for _, y, _ in observed[i.pk]})
        years = np.array(all_years, dtype=np.int64)
        column = {int(y): t for t, y in enumerate(years)}
        cube = np.full((len(chosen), len(places), len(years)), np.nan)
        for j, indicator in enumerate(chosen):
            for territory_id, year, value in observed[indicator.pk]:
                cube[j, index[territory_id], column[year]] = value
        it = index[italy.id]
        keep = _series_coverage(np.isfinite(cube[:, it, :]))
        left_out = [i for i, k in zip(chosen, keep, strict=True) if not k]
        if keep.sum() < 2:
            continue
        cube, kept = cube[keep], [i for i, k in zip(chosen, keep, strict=True) if k]
        complete = np.nonzero(np.isfinite(cube[:, it, :]).all(axis=0))[0]
        reference_year = int(complete[0])
        polarity = np.array([float(i.polarity) for i in kept])
        values = composite(cube, polarity=polarity, method="ampi", reference=(it, reference_year))
        series: dict[str, list[tuple[int, float]]] = {}
        for u, place in enumerate(places):
            points = [
                (int(years[t]), round(float(values[u, t]), 2))
                for t in range(len(years))
                if np.isfinite(values[u, t])
            ]
            if points:
                series[place.code] = points
        result.append(
            PeerComposite(
                node=node,
                indicators=kept,
                reference_year=int(years[reference_year]),
                values=series,
                names=names,
                home=home,
                note=", ".join(i.code for i in left_out),
            )
        )
    return result


def grouping_frameworks() -> list[tuple[str, str]]:
    """Frameworks whose nodes tag at least one indicator (code, short name): the ways a
    scorecard can be grouped. One query."""
    return [
        (code, short or code)
        for code, short in Framework.objects.filter(nodes__indicators__isnull=False)
        .exclude(code=DEFAULT_GROUPING)
        .distinct()
        .order_by("order", "code")
        .values_list("code", "short_name")
    ]
