"""Aggregation of comune values to groups (zone omogenee, the metropolitan city).

Rules: "sum"; "weighted_mean" (by population); "ratio" (recompute scale × Σ numerator /
Σ denominator); "none" (not aggregable). Each group-year also gets its coverage: the share
of the group's population (or, without population, of its members) whose value was used.
Vectorised with merges and group sums, no per-group Python code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from territori.lazy import lazy_module

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")


RULES = ("sum", "weighted_mean", "ratio", "none")


def _nearest_population(keys: pd.DataFrame, population: pd.DataFrame) -> pd.Series:
    """Population of each (unit, year) row of `keys`, from the nearest year with data."""
    if population.empty:
        return pd.Series(np.nan, index=keys.index)
    left = keys[["unit", "year"]].reset_index().sort_values("year")
    right = population[["unit", "year", "population"]].sort_values("year")
    merged = pd.merge_asof(
        left.astype({"year": "int64"}),
        right.astype({"year": "int64"}),
        on="year",
        by="unit",
        direction="nearest",
    )
    return merged.set_index("index")["population"].reindex(keys.index)


def aggregate(
    *,
    rule: str,
    members: pd.DataFrame,
    values: pd.DataFrame | None = None,
    numerator: pd.DataFrame | None = None,
    denominator: pd.DataFrame | None = None,
    population: pd.DataFrame | None = None,
    scale: float = 1.0,
) -> pd.DataFrame:
    """Group values per year.

    members: columns unit, group. values / numerator / denominator: unit, year, value.
    population: unit, year, population. Returns group, year, value, coverage, units.
    """
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule '{rule}': use one of {RULES}")
    empty = pd.DataFrame(columns=["group", "year", "value", "coverage", "units"])
    if rule == "none":
        return empty
    pop = (
        population
        if population is not None
        else pd.DataFrame(columns=["unit", "year", "population"])
    )
    if rule == "ratio":
        if numerator is None or denominator is None:
            raise ValueError("the ratio rule needs the numerator and denominator values")
        data = numerator.merge(denominator, on=["unit", "year"], suffixes=("_num", "_den"))
        data = data.dropna(subset=["value_num", "value_den"])
    else:
        if values is None:
            raise ValueError(f"the {rule} rule needs values")
        data = values.dropna(subset=["value"])
    if data.empty:
        return empty
    data = data.merge(members[["unit", "group"]], on="unit")
    data["population"] = _nearest_population(data, pop)
    if rule == "sum":
        data["num"], data["den"] = data["value"], 1.0
    elif rule == "weighted_mean":
        data = data.dropna(subset=["population"])
        data["num"] = data["value"] * data["population"]
        data["den"] = data["population"]
    else:
        data["num"], data["den"] = data["value_num"], data["value_den"]
    grouped = data.groupby(["group", "year"], as_index=False).agg(
        num=("num", "sum"),
        den=("den", "sum"),
        units=("unit", "nunique"),
        covered=("population", "sum"),
    )
    grouped["value"] = grouped["num"] if rule == "sum" else scale * grouped["num"] / grouped["den"]
    # Coverage: population of the units used over the population of all members that year.
    years = grouped[["year"]].drop_duplicates()
    every = members[["unit", "group"]].merge(years, how="cross")
    every["population"] = _nearest_population(every, pop)
    totals = every.groupby(["group", "year"], as_index=False).agg(
        total_pop=("population", "sum"), total_units=("unit", "nunique")
    )
    grouped = grouped.merge(totals, on=["group", "year"], how="left")
    by_pop = grouped["total_pop"] > 0
    grouped["coverage"] = np.where(
        by_pop,
        grouped["covered"] / grouped["total_pop"].where(by_pop, 1),
        grouped["units"] / grouped["total_units"],
    )
    grouped["coverage"] = grouped["coverage"].clip(upper=1.0)
    return grouped[["group", "year", "value", "coverage", "units"]].reset_index(drop=True)
