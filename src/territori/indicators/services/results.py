"""Results recomputed from the observations: aggregates by zona and metropolitan city,
assessments, projections, disparities and composite indices."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from territori.analytics.aggregate import aggregate
from territori.analytics.composite import composite
from territori.analytics.disparity import disparity
from territori.analytics.panel import Panel, panel_from_long
from territori.analytics.projection import project
from territori.analytics.trends import (
    OPENSDG_BASE_YEAR,
    eurostat_assess,
    istat_assess,
    opensdg_assess,
    opensdg_indicator_level,
)
from territori.core.bulk import bulk_insert, bulk_insert_values
from territori.io.limits import (
    VALUE_LIMIT,
    value_problem,
    year_problem,
)
from territori.lazy import lazy_module
from territori.territories.models import Membership, Territory, valid_on
from territori.territories.selectors import home_territory_id

from ..comparisons import peer_rank_rows
from ..models import (
    Aggregation,
    Assessment,
    CompositeValue,
    DisparityValue,
    Indicator,
    Observation,
    PeerRank,
    Projection,
)
from ..selectors import POPULATION_INDICATOR

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


PROJECTION_YEAR = 2030


COMPOSITE_METHODS = ("ampi", "minmax", "zscore")


def _frame(indicator_id: int | None, territory_kind: str = Territory.Kind.COMUNE) -> pd.DataFrame:
    if indicator_id is None:
        return pd.DataFrame(columns=["unit", "year", "value"])
    rows = Observation.objects.filter(
        indicator_id=indicator_id, breakdown="", territory__kind=territory_kind
    ).values_list("territory__code", "year", "value")
    return _finite(pd.DataFrame(list(rows), columns=["unit", "year", "value"]))


def _finite(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows whose value is within the limits: a stored value beyond them (written before
    they were enforced, or by hand in the database) is left out rather than poisoning every
    result computed from it."""
    values = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    return frame[np.isfinite(values) & (values.abs() <= VALUE_LIMIT)]


def indicator_aggregate(*, indicator: Indicator, channel: str = "service") -> int:
    """Zone omogenee and CMTo values from the comuni, by the indicator's rule.

    Writes only where no imported value exists (an imported CMTo value is authoritative);
    returns how many values were created or changed.
    """
    if indicator.aggregation == Aggregation.NONE:
        return 0
    population_id = (
        Indicator.objects.filter(code=POPULATION_INDICATOR).values_list("id", flat=True).first()
    )
    population = _frame(population_id).rename(columns={"value": "population"})
    zones = Membership.objects.filter(
        valid_on(timezone.localdate()), group__kind=Territory.Kind.ZONA
    ).values_list("member__code", "group__code")
    metro = Territory.objects.filter(kind=Territory.Kind.COMUNE).values_list("code", "parent__code")
    members = pd.DataFrame([*zones, *metro], columns=["unit", "group"]).dropna()
    kwargs: dict[str, Any] = {
        "rule": indicator.aggregation,
        "members": members,
        "population": population,
    }
    if indicator.aggregation == Aggregation.RATIO:
        kwargs |= {
            "numerator": _frame(indicator.numerator_id),
            "denominator": _frame(indicator.denominator_id),
            "scale": indicator.scale,
        }
    else:
        kwargs["values"] = _frame(indicator.pk)
    result = aggregate(**kwargs)
    if result.empty:
        return 0
    ids = dict(Territory.objects.filter(code__in=set(result["group"])).values_list("code", "id"))
    existing = {
        (o.territory_id, o.year): o
        for o in Observation.objects.filter(
            indicator=indicator, breakdown="", territory_id__in=ids.values()
        )
    }
    create, update, drop = [], [], []
    for group, year, value_raw, coverage_raw in zip(
        result["group"], result["year"], result["value"], result["coverage"], strict=True
    ):
        key = (ids[str(group)], int(year))
        value, coverage = float(value_raw), round(float(coverage_raw), 6)
        current = existing.get(key)
        if value_problem(value) is not None:  # e.g. a ratio over a zero denominator
            if current is not None and current.coverage is not None:
                drop.append(current.pk)
            continue
        if current is None:
            create.append(
                Observation(
                    indicator=indicator,
                    territory_id=key[0],
                    year=key[1],
                    value=value,
                    coverage=coverage,
                )
            )
        elif current.coverage is not None and (
            not np.isclose(current.value, value, rtol=1e-12, atol=0) or current.coverage != coverage
        ):
            current.value, current.coverage = value, coverage
            update.append(current)
    with transaction.atomic():
        bulk_insert(create)
        Observation.objects.bulk_update(update, ["value", "coverage"], batch_size=2000)
        Observation.objects.filter(pk__in=drop).delete()
    return len(create) + len(update) + len(drop)


# Precomputed results ----------------------------------------------------------------------


def _series_frame(indicator_ids: Sequence[int]) -> pd.DataFrame:
    rows = Observation.objects.filter(indicator_id__in=indicator_ids, breakdown="").values_list(
        "indicator_id", "territory_id", "year", "value"
    )
    return _finite(pd.DataFrame(list(rows), columns=["indicator", "territory", "year", "value"]))


def _breakdown_frame(indicator_ids: Sequence[int]) -> pd.DataFrame:
    """The breakdown series (not the totals) of the indicators that have any."""
    rows = (
        Observation.objects.filter(indicator_id__in=indicator_ids)
        .exclude(breakdown="")
        .values_list("indicator_id", "territory_id", "breakdown", "year", "value")
    )
    columns = ["indicator", "territory", "breakdown", "year", "value"]
    return _finite(pd.DataFrame(list(rows), columns=columns))


def _base_year(indicator: Indicator) -> int:
    year = indicator.base_year
    return OPENSDG_BASE_YEAR if year is None or year_problem(year) else int(year)


def _indicator_level(
    indicator: Indicator,
    breakdowns: pd.DataFrame,
    totals: Panel,
    target: np.ndarray,
    target_year: np.ndarray,
) -> list[Assessment]:
    """Open SDG's indicator-level result per territory, for an indicator with breakdowns: its
    total and every breakdown assessed as series (with the territory's target), then joined
    (`opensdg_indicator_level`). Stored as method "opensdg", window "indicator"."""
    parts = breakdowns[breakdowns["indicator"] == indicator.pk]
    if parts.empty:
        return []
    territories = totals.keys["territory"].to_numpy()
    whole = pd.concat(
        [
            parts[["territory", "breakdown", "year", "value"]],
            pd.DataFrame(
                {
                    "territory": np.repeat(territories, len(totals.years)),
                    "breakdown": "",
                    "year": np.tile(totals.years, len(territories)),
                    "value": totals.values.ravel(),
                }
            ).dropna(subset=["value"]),
        ],
        ignore_index=True,
    )
    whole = whole[whole["territory"].isin(territories)]
    if whole.empty:
        return []
    panel = panel_from_long(whole, keys=["territory", "breakdown"])
    position = pd.Index(territories).get_indexer(panel.keys["territory"])
    result = opensdg_assess(
        panel.values,
        panel.years,
        polarity=float(indicator.polarity),
        target=target[position],
        target_year=target_year[position],
        limit=_within(indicator.natural_limit),
        base_year=_base_year(indicator),
    )
    level = opensdg_indicator_level(result, position, len(territories))
    return [
        Assessment(
            indicator=indicator,
            territory_id=int(territory_id),
            method="opensdg",
            window="indicator",
            score=_none(float(level.score[i])),
            status=str(level.status[i]),
            series=int(level.series[i]),
            series_assessed=int(level.assessed[i]),
        )
        for i, territory_id in enumerate(territories)
    ]


def _targets(indicator: Indicator, territories: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per series the nearest future target: territory-specific first, then general."""
    values = np.full(len(territories), np.nan)
    years = np.full(len(territories), np.nan)
    targets = sorted(indicator.targets.all(), key=lambda t: (t.territory_id is not None, -t.year))
    for target in targets:  # general targets first, territory ones override; latest year last
        if value_problem(target.value) or year_problem(target.year):
            continue  # a stored target beyond the limits is not used
        mask = (
            np.ones(len(territories), dtype=bool)
            if target.territory_id is None
            else (territories.to_numpy() == target.territory_id)
        )
        values[mask], years[mask] = target.value, target.year
    return values, years


def _within(value: float | None) -> float | None:
    """A stored setting (a natural limit) if within the limits, else None (not used)."""
    return None if value is None or value_problem(value) else value


def _none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and not np.isfinite(value)) else value


@transaction.atomic
def indicator_results_refresh(*, codes: Sequence[str] | None = None) -> dict[str, int]:
    """Recompute aggregates, assessments, projections and Mission composites, all or nothing:
    when any step fails, the results stored before stay as they were."""
    indicators = list(
        Indicator.objects.filter(
            **({"code__in": codes} if codes is not None else {})
        ).prefetch_related("targets")
    )
    for indicator in indicators:
        indicator_aggregate(indicator=indicator)
    counts = {
        "assessments": 0,
        "projections": 0,
        "composites": 0,
        "disparities": 0,
        "peer_ranks": 0,
    }
    frame = _series_frame([i.pk for i in indicators])
    breakdowns = _breakdown_frame([i.pk for i in indicators])
    disparities = _disparities(indicators, frame)
    assessments: list[Assessment] = []
    projections: list[Projection] = []
    for indicator in indicators:
        data = frame[frame["indicator"] == indicator.pk]
        if data.empty:
            continue
        panel = panel_from_long(data, keys=["territory"])
        territories = panel.keys["territory"]
        target, target_year = _targets(indicator, territories)
        d = float(indicator.polarity)
        results = [
            eurostat_assess(
                panel.values,
                panel.years,
                polarity=d,
                target=target,
                target_year=target_year,
                window="long",
            ),
            eurostat_assess(
                panel.values,
                panel.years,
                polarity=d,
                target=target,
                target_year=target_year,
                window="short",
            ),
            *(
                istat_assess(panel.values, panel.years, polarity=d, window=w)
                for w in ("full", "previous", "ten_years")
            ),
            opensdg_assess(
                panel.values,
                panel.years,
                polarity=d,
                target=target,
                target_year=target_year,
                limit=_within(indicator.natural_limit),
                base_year=_base_year(indicator),
            ),
        ]
        for result in results:
            for i, territory_id in enumerate(territories):
                assessments.append(
                    Assessment(
                        indicator=indicator,
                        territory_id=int(territory_id),
                        method=result.method,
                        window=result.window,
                        start_year=_none(result.start_year[i]) and int(result.start_year[i]),
                        end_year=_none(result.end_year[i]) and int(result.end_year[i]),
                        cagr=_none(float(result.cagr[i])),
                        required_cagr=_none(float(result.required_cagr[i])),
                        ratio=_none(float(result.ratio[i])),
                        score=_none(float(result.score[i])),
                        status=str(result.status[i]),
                        reason=str(result.reason[i]),
                    )
                )
        assessments.extend(_indicator_level(indicator, breakdowns, panel, target, target_year))
        year = int(np.nanmax(np.where(np.isfinite(target_year), target_year, PROJECTION_YEAR)))
        year = max(year, PROJECTION_YEAR)
        for method in ("cagr", "linear"):
            projected = project(panel.values, panel.years, year=year, method=method, target=target)
            for i, territory_id in enumerate(territories):
                projections.append(
                    Projection(
                        indicator=indicator,
                        territory_id=int(territory_id),
                        method=method,
                        year=year,
                        value=_none(float(projected.value[i])),
                        lower=_none(float(projected.lower[i])),
                        upper=_none(float(projected.upper[i])),
                        gap_closure=_none(float(projected.gap_closure[i])),
                        gap_status=str(projected.gap_status[i]),
                    )
                )
    with transaction.atomic():
        Assessment.objects.filter(indicator__in=indicators).delete()
        Projection.objects.filter(indicator__in=indicators).delete()
        counts["assessments"] = bulk_insert(assessments)
        counts["projections"] = bulk_insert(projections)
        DisparityValue.objects.filter(indicator__in=indicators).delete()
        counts["disparities"] = len(DisparityValue.objects.bulk_create(disparities))
        counts["peer_ranks"] = peer_ranks_refresh(indicators=indicators)
        node_ids = set(
            Indicator.nodes.through.objects.filter(indicator__in=indicators).values_list(
                "node_id", flat=True
            )
        )
        counts["composites"] = node_composites_refresh(node_ids=node_ids)
    return counts


@transaction.atomic
def peer_ranks_refresh(*, indicators: Sequence[Indicator] | None = None) -> int:
    """Store every territory's rank among its peers on `indicators` (all when None); the
    rows written. Part of every recomputation; alone, after an upgrade that added them."""
    chosen = list(Indicator.objects.all() if indicators is None else indicators)
    PeerRank.objects.filter(indicator__in=chosen).delete()
    return bulk_insert(peer_rank_rows(indicators=chosen))


def peer_ranks_missing() -> bool:
    """Observations of the metropolitan cities or provinces exist, but no rank is stored (a
    database migrated to the version that stores them, not recomputed since)."""
    from ..comparisons import ALL_PROVINCE_KINDS

    return (
        not PeerRank.objects.exists()
        and Observation.objects.filter(territory__kind__in=ALL_PROVINCE_KINDS).exists()
    )


def nearest_year(*, years: np.ndarray, year: int) -> int:
    """The closest of `years` to `year`; on a tie the earlier one."""
    distance = np.abs(years - year)
    return int(years[np.flatnonzero(distance == distance.min())[0]])


def _disparities(indicators: Sequence[Indicator], frame: pd.DataFrame) -> list[DisparityValue]:
    """Disparity among the comuni and among the zone omogenee, per indicator and year.

    Weights are each unit's population in the same year, or in the closest year with data.
    """
    metro = home_territory_id()
    kinds = dict(
        Territory.objects.filter(
            Q(kind__in=[Territory.Kind.COMUNE, Territory.Kind.ZONA]) | Q(pk=metro)
        ).values_list("id", "kind")
    )
    population_id = (
        Indicator.objects.filter(code=POPULATION_INDICATOR).values_list("id", flat=True).first()
    )
    people = _series_frame([population_id] if population_id else [])
    people = people[people["territory"].isin(list(kinds))]
    pop_years = np.sort(people["year"].unique())
    rows: list[DisparityValue] = []
    for indicator in indicators:
        data = frame[(frame["indicator"] == indicator.pk) & frame["territory"].isin(list(kinds))]
        for level in (Territory.Kind.COMUNE, Territory.Kind.ZONA):
            units = data[data["territory"].map(kinds) == level]
            if units["territory"].nunique() < 2:
                continue
            table = units.pivot(index="year", columns="territory", values="value")
            reference = (
                data[data["territory"] == metro].set_index("year")["value"].reindex(table.index)
            )
            pop_year = np.full(len(table.index), np.nan)
            weights = np.full(table.shape, np.nan)
            if pop_years.size:
                for r, year in enumerate(table.index):
                    nearest = nearest_year(years=pop_years, year=int(year))
                    found = people[people["year"] == nearest].set_index("territory")["value"]
                    weights[r] = found.reindex(table.columns).to_numpy()
                    pop_year[r] = nearest
            weighted = np.isfinite(weights) | ~np.isfinite(table.to_numpy())
            complete = weighted.all(axis=1)
            result = disparity(
                table.to_numpy(),
                population=np.where(complete[:, None], weights, 1.0),
                reference=reference.to_numpy(),
            )
            better = (result.gap * indicator.polarity > 0).sum(axis=1)
            for r, year in enumerate(table.index):
                count = int(np.isfinite(table.to_numpy()[r]).sum())
                if count < 2:
                    continue
                rows.append(
                    DisparityValue(
                        indicator=indicator,
                        level=level,
                        year=int(year),
                        count=count,
                        mean=_none(float(result.mean[r])),
                        weighted_mean=_none(float(result.weighted_mean[r]))
                        if complete[r]
                        else None,
                        cv=_none(float(result.cv[r])),
                        weighted_cv=_none(float(result.weighted_cv[r])) if complete[r] else None,
                        theil=_none(float(result.theil[r])),
                        max_min_ratio=_none(float(result.max_min_ratio[r])),
                        population_year=int(pop_year[r]) if complete[r] else None,
                        reference=_none(float(reference.iloc[r])),
                        better=int(better[r]) if np.isfinite(reference.iloc[r]) else None,
                    )
                )
    return rows


COMPOSITE_COLUMNS = ("node_id", "territory_id", "year", "method", "value", "indicators")


def node_composites_refresh(*, node_ids: Iterable[int]) -> int:
    """Composites (AMPI, min-max, z-score) of each node's indicators (two or more).

    Reference of AMPI and z-score: the metropolitan city in the first year in which it has
    every indicator. Min-max rescales over all territories and years.
    """
    written = 0
    for node_id in node_ids:
        indicators = list(Indicator.objects.filter(nodes=node_id).order_by("code"))
        CompositeValue.objects.filter(node_id=node_id).delete()
        if len(indicators) < 2:
            continue
        frame = _series_frame([i.pk for i in indicators])
        if frame.empty:
            continue
        codes = [i.pk for i in indicators]
        territories = sorted(frame["territory"].unique())
        years = np.arange(int(frame["year"].min()), int(frame["year"].max()) + 1)
        cube = np.full((len(codes), len(territories), len(years)), np.nan)
        cube[
            pd.Index(codes).get_indexer(pd.Index(frame["indicator"])),
            pd.Index(territories).get_indexer(pd.Index(frame["territory"])),
            frame["year"].to_numpy() - years[0],
        ] = frame["value"].to_numpy()
        metro = home_territory_id()
        if metro not in territories:
            continue
        m = territories.index(metro)
        complete_years = np.nonzero(np.isfinite(cube[:, m, :]).all(axis=0))[0]
        if not complete_years.size:
            continue
        polarity = np.array([i.polarity for i in indicators], dtype=np.float64)
        rows = []
        for method in COMPOSITE_METHODS:  # AMPI is the one pages show; the others downloadable
            values = composite(
                cube, polarity=polarity, method=method, reference=(m, int(complete_years[0]))
            )
            rows += [
                (
                    node_id,
                    int(territories[u]),
                    int(years[y]),
                    method,
                    float(values[u, y]),
                    len(codes),
                )
                for u, y in zip(*np.nonzero(np.isfinite(values)), strict=True)
            ]
        written += bulk_insert_values(CompositeValue, COMPOSITE_COLUMNS, rows)
    return written
