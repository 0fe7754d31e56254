"""Scenarios of a Mission: each indicator linked to it, its observed series for a territory,
and its path to 2030 and 2050 under each of the Mission's scenarios (analytics/scenarios.py).
Three queries, whatever the number of indicators and scenarios."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from territori.analytics.scenarios import Path, change_path, target_path, trend_path
from territori.frameworks.models import Node
from territori.territories.models import Territory

from .models import Indicator, Observation, Scenario, Target

HORIZON = 2050
MILESTONES = (2030, 2050)


@dataclass(frozen=True)
class ScenarioSeries:
    scenario: Scenario
    path: Path
    why_missing: str = ""  # when the path is empty

    def at(self, year: int) -> float | None:
        return dict(self.path).get(year)

    @property
    def milestones(self) -> list[float | None]:
        return [self.at(year) for year in MILESTONES]


@dataclass
class IndicatorScenarios:
    indicator: Indicator
    observed: Path = field(default_factory=list)
    targets: list[tuple[int, float]] = field(default_factory=list)
    series: list[ScenarioSeries] = field(default_factory=list)


@dataclass(frozen=True)
class ScenarioPage:
    node: Node
    territory: Territory
    scenarios: list[Scenario]
    indicators: list[IndicatorScenarios]


def _targets(
    indicators: list[Indicator], territory: Territory
) -> dict[int, list[tuple[int, float]]]:
    """Each indicator's targets for the territory: its own where it has them, else those
    that hold for every territory (one value a year)."""
    own: dict[int, dict[int, float]] = defaultdict(dict)
    general: dict[int, dict[int, float]] = defaultdict(dict)
    for target in Target.objects.filter(
        Q(territory=territory) | Q(territory__isnull=True), indicator__in=indicators
    ).order_by("year", "kind"):
        (own if target.territory_id else general)[target.indicator_id].setdefault(
            target.year, target.value
        )
    return {i.pk: sorted((own.get(i.pk) or general.get(i.pk) or {}).items()) for i in indicators}


def _series(scenario: Scenario, item: IndicatorScenarios) -> ScenarioSeries:
    if not item.observed:
        return ScenarioSeries(scenario, [], _("no data for this territory"))
    last_year, last_value = item.observed[-1]
    if scenario.kind == Scenario.Kind.TREND:
        path = trend_path(
            [v for _y, v in item.observed],
            [y for y, _v in item.observed],
            until=HORIZON,
            method=scenario.method,
            window=scenario.window,
        )
        return ScenarioSeries(
            scenario,
            path,
            "" if path else _("no trend: too few values, or a series that crosses zero"),
        )
    if scenario.kind == Scenario.Kind.TARGET:
        path = target_path(last_year, last_value, item.targets, until=HORIZON)
        return ScenarioSeries(scenario, path, "" if path else _("no target after the latest value"))
    if scenario.annual_change is None:
        return ScenarioSeries(scenario, [], _("the scenario gives no yearly change"))
    path = change_path(
        last_year,
        last_value,
        percent=scenario.annual_change,
        polarity=item.indicator.polarity,
        until=HORIZON,
    )
    return ScenarioSeries(scenario, path)


def mission_scenarios(*, node: Node, territory: Territory) -> ScenarioPage:
    scenarios = list(Scenario.objects.filter(node=node).order_by("position", "code"))
    indicators = list(Indicator.objects.filter(nodes=node).order_by("code").distinct())
    observed: dict[int, Path] = defaultdict(list)
    for indicator_id, year, value in (
        Observation.objects.filter(indicator__in=indicators, territory=territory, breakdown="")
        .order_by("indicator_id", "year")
        .values_list("indicator_id", "year", "value")
    ):
        observed[indicator_id].append((year, value))
    targets = _targets(indicators, territory)
    items = []
    for indicator in indicators:
        item = IndicatorScenarios(indicator, observed.get(indicator.pk, []), targets[indicator.pk])
        item.series = [_series(scenario, item) for scenario in scenarios]
        items.append(item)
    return ScenarioPage(node, territory, scenarios, items)
