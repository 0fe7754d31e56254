"""Benchmarking among the metropolitan cities, on the demo's real BES data."""

from __future__ import annotations

import csv
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from territori.demo.indicators import bes_data
from territori.indicators import comparisons as cmp
from territori.indicators.models import Assessment, Indicator, Observation, PeerRank
from territori.territories.models import Territory
from tests.worlds import ranked_indicators

pytestmark = pytest.mark.django_db

METRO_NAMES = {
    "Torino",
    "Genova",
    "Milano",
    "Venezia",
    "Bologna",
    "Firenze",
    "Roma",
    "Napoli",
    "Bari",
    "Reggio Calabria",
    "Palermo",
    "Messina",
    "Catania",
    "Cagliari",
}


def _published(code: str, year: int) -> dict[str, float]:
    """The BES file's own values for the 14 cities, read with csv (not our reader)."""
    text = bes_data().decode("utf-8-sig").splitlines()
    values = {}
    for row in csv.DictReader(text):
        if row["CODICE"] == code and row["SESSO"] == "Totale" and row["TERRITORIO"] in METRO_NAMES:
            cell = row[f"V_{year}"]
            if cell and cell[0].isdigit():
                values[row["TERRITORIO"]] = float(cell.replace(",", "."))
    return values


@pytest.mark.usefixtures("cities")
def test_separate_collection_ranks_the_14_cities_as_published() -> None:
    # given the published 2018 values of separate collection (higher is better)
    published = _published("10AMB017", 2018)
    expected = sorted(published, key=lambda name: -published[name])
    # when
    result = cmp.indicator_comparison(indicator=Indicator.objects.get(code="10AMB017"))
    # then: 2018 is the latest year, the order is the published one, Torino 6th of 14
    assert result.year == 2018 and result.count == 14
    labels = [r.place.label.replace("Reggio di Calabria", "Reggio Calabria") for r in result.rows]
    assert labels == expected
    torino = next(r for r in result.rows if r.place.is_home)
    assert (torino.rank, torino.value) == (6, 56.9)
    assert result.best == max(published.values())
    assert result.median == pytest.approx(np.median(list(published.values())))
    assert torino.from_best == pytest.approx(56.9 - 69.1)
    assert [r.place.code for r in result.references] == ["01", "IT"]
    assert result.references[1].value == 58.2


@pytest.mark.usefixtures("cities")
def test_trend_columns_are_the_stored_eurostat_assessments() -> None:
    indicator = Indicator.objects.get(code="10AMB017")
    result = cmp.indicator_comparison(indicator=indicator)
    milano = next(r for r in result.rows if r.place.code == "215")
    stored = Assessment.objects.get(
        indicator=indicator, territory__code="215", method="eurostat", window="short"
    )
    assert milano.short is not None and milano.short.cagr == stored.cagr
    # hand-computed: Milano 2013 → 2018 (the short window is five years)
    assert milano.short.cagr == pytest.approx((65.8 / 50.4) ** (1 / 5) - 1, rel=1e-9)


@pytest.mark.usefixtures("cities")
def test_lower_is_better_indicator_ranks_lowest_first() -> None:
    indicator = Indicator.objects.get(code="10AMB004")  # landfill share, lower is better
    result = cmp.indicator_comparison(indicator=indicator)
    ranked = [r.value for r in result.rows if r.rank is not None]
    assert ranked == sorted(ranked)


@pytest.mark.usefixtures("cities")
def test_every_province_can_be_ranked() -> None:
    result = cmp.indicator_comparison(
        indicator=Indicator.objects.get(code="10AMB017"), provinces=True, year=2015
    )
    assert result.year == 2015 and result.count > 100
    assert not any(r.place.code == "104" for r in result.rows)  # suppressed provinces stay out


@pytest.mark.usefixtures("cities")
def test_a_bad_stored_value_does_not_break_the_comparison() -> None:
    indicator = Indicator.objects.get(code="10AMB017")
    Observation.objects.filter(indicator=indicator, territory__code="210", year=2018).update(
        value=float("inf")
    )
    result = cmp.indicator_comparison(indicator=indicator)
    genova = next(r for r in result.rows if r.place.code == "210")
    assert genova.value is None and genova.rank is None and result.count == 13


def _grow(indicator: Indicator) -> None:
    """More metropolitan cities (invented codes) and more years."""
    italy = Territory.objects.get(code="IT")
    for n in range(5):
        city = Territory.objects.create(
            code=f"9{n:02d}", kind=Territory.Kind.METRO_CITY, name=f"Città {n}", parent=italy
        )
        for year in range(1995, 2004):
            Observation.objects.create(
                indicator=indicator, territory=city, year=year, value=n + year
            )


@pytest.mark.usefixtures("cities")
def test_query_counts_do_not_grow_with_territories_or_years() -> None:
    indicator = Indicator.objects.get(code="10AMB017")
    torino = Territory.objects.get(code="201")

    def queries() -> list[int]:
        counts = []
        for call in (
            lambda: cmp.indicator_comparison(indicator=indicator),
            lambda: cmp.scorecard(territory=torino),
            lambda: cmp.peer_composites(),
        ):
            with CaptureQueriesContext(connection) as captured:
                call()
            counts.append(len(captured))
        return counts

    before = queries()
    _grow(indicator)
    assert queries() == before


@pytest.mark.usefixtures("cities")
def test_scorecard_of_torino_by_bes_domain() -> None:
    card = cmp.scorecard(territory=Territory.objects.get(code="201"))
    assert card.peers == 14
    domains = [g.node.code for g in card.groups if g.node]
    assert domains == sorted(domains) and "10" in domains
    environment = next(g for g in card.groups if g.node and g.node.code == "10")
    waste = next(i for i in environment.items if i.indicator.code == "10AMB017")
    assert (waste.year, waste.rank, waste.count, waste.tercile) == (2018, 6, 14, 2)
    assert waste.trend is not None and waste.trend.status == "significant_progress"


@pytest.mark.usefixtures("cities")
def test_a_peer_city_gets_its_own_scorecard() -> None:
    card = cmp.scorecard(territory=Territory.objects.get(code="215"))
    environment = next(g for g in card.groups if g.node and g.node.code == "10")
    waste = next(i for i in environment.items if i.indicator.code == "10AMB017")
    assert (waste.rank, waste.tercile) == (2, 1)


@pytest.mark.usefixtures("cities")
def test_domain_composites_take_italy_as_reference() -> None:
    composites = {c.node.code: c for c in cmp.peer_composites()}
    health = composites["01"]
    italy = dict(health.values["IT"])
    # Italy in the reference year is 100 by construction (every indicator at its reference)
    assert italy[health.reference_year] == pytest.approx(100.0)
    assert set(health.values) >= {"201", "215", "IT"}
    # AMPI of a profile equal to the reference is exactly 100; other years move from it
    assert any(abs(v - 100) > 0.5 for v in italy.values())


def test_observation_gz_is_the_shared_file(real_file: Any) -> None:
    shared = real_file("istat-bes-territori-2020", "indicatori_per_provincia_sesso.csv")
    assert bes_data() == shared


def _scorecard_items(territory: Territory) -> dict[str, tuple[int | None, int | None, int, int]]:
    card = cmp.scorecard(territory=territory)
    return {
        i.indicator.code: (i.year, i.rank, i.count, i.tercile) for g in card.groups for i in g.items
    }


def _stored(territory: Territory, peers: str) -> dict[str, tuple[int | None, int | None, int, int]]:
    return {
        r.indicator.code: (r.year, r.rank, r.count, r.tercile)
        for r in PeerRank.objects.filter(territory=territory, peers=peers).select_related(
            "indicator"
        )
    }


@pytest.mark.usefixtures("cities")
@pytest.mark.parametrize(
    ("code", "peers"), [("201", "metro"), ("215", "metro"), ("004", "province")]
)
def test_stored_ranks_are_the_scorecards(code: str, peers: str) -> None:
    territory = Territory.objects.get(code=code)
    stored = _stored(territory, peers)
    assert len(stored) >= 10  # the world holds 13 BES indicators
    assert stored == _scorecard_items(territory)


@pytest.mark.usefixtures("cities")
def test_stored_rank_of_a_published_value() -> None:
    """Torino's municipal waste per head, 2018: 6th of the 14 cities (see the published
    values checked in test_separate_collection_ranks_the_14_cities_as_published)."""
    rank = PeerRank.objects.get(
        indicator__code="10AMB017", territory__code="201", peers=PeerRank.Peers.METRO
    )
    assert (rank.year, rank.rank, rank.count, rank.tercile) == (2018, 6, 14, 2)
    assert rank.position == pytest.approx(6 / 14, abs=1e-12)
    province_ranks = PeerRank.objects.filter(indicator__code="10AMB017", peers="province")
    assert province_ranks.filter(territory__code="201").get().count > 100  # every province


@pytest.mark.usefixtures("cities")
def test_peer_summary_is_the_best_and_worst_stored_ranks() -> None:
    torino = Territory.objects.get(code="201")
    summary = cmp.peer_summary(territory=torino)
    assert summary is not None and summary.metro
    rows = list(
        PeerRank.objects.filter(territory=torino, peers="metro").select_related("indicator")
    )
    assert summary.count == len(rows)
    assert summary.top == sum(1 for r in rows if r.tercile == 1)
    assert summary.bottom == sum(1 for r in rows if r.tercile == 3)
    ordered = sorted(rows, key=lambda r: (r.position, r.indicator.order, r.indicator.code))
    assert [r.pk for r in summary.best] == [r.pk for r in ordered[:3]]
    assert [r.pk for r in summary.worst] == [r.pk for r in ordered[::-1][:3]]
    province = cmp.peer_summary(territory=Territory.objects.get(code="004"))
    assert province is not None and not province.metro and province.count >= 10
    assert cmp.peer_summary(territory=Territory.objects.get(code="IT")) is None


@pytest.mark.usefixtures("cities")
def test_peer_summary_queries_do_not_grow_with_indicators() -> None:
    torino = Territory.objects.get(code="201")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            cmp.peer_summary(territory=torino)
        return len(captured)

    before = queries()
    added = ranked_indicators("ALTRO", 5)
    assert (
        PeerRank.objects.filter(territory=torino, peers="metro", indicator__code__in=added).count()
        == 5
    )
    assert queries() == before == 3


@pytest.mark.usefixtures("cities")
def test_ranks_missing_after_an_upgrade_are_computed_once_by_setup() -> None:
    """A database migrated to the version that stores ranks has none until it is recomputed:
    `territori setup` runs `refresh_indicators --peer-ranks-if-missing`, which stores them
    when there are none and does nothing otherwise."""
    import io

    from django.core.management import CommandError, call_command

    stored = sorted(PeerRank.objects.values_list("indicator_id", "territory_id", "peers", "rank"))
    assert stored
    PeerRank.objects.all().delete()
    out = io.StringIO()
    call_command("refresh_indicators", "--peer-ranks-if-missing", stdout=out)
    assert f"{len(stored)} ranks among peers stored" in out.getvalue()
    assert sorted(
        PeerRank.objects.values_list("indicator_id", "territory_id", "peers", "rank")
    ) == (stored)
    out = io.StringIO()
    call_command("refresh_indicators", "--peer-ranks-if-missing", stdout=out)
    assert out.getvalue() == ""  # nothing missing, nothing done
    with pytest.raises(CommandError, match="takes no indicator codes"):
        call_command("refresh_indicators", "10AMB017", "--peer-ranks-if-missing")
