"""Geometry helpers (shapely, pyproj, topojson): areas, GeoJSON and simplified TopoJSON."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from territori.lazy import lazy_module

if TYPE_CHECKING:
    import pyproj
    import shapely
else:
    shapely = lazy_module("shapely")
    pyproj = lazy_module("pyproj")


@functools.cache
def _geod() -> pyproj.Geod:
    return pyproj.Geod(ellps="WGS84")


def geodesic_area_km2(geometry: shapely.Geometry) -> float:
    """Area on the WGS84 ellipsoid, in km² (geometry in longitude/latitude degrees)."""
    area, _perimeter = _geod().geometry_area_perimeter(geometry)
    return abs(area) / 1e6


def to_geojson(geometry: shapely.Geometry, precision: int = 5) -> dict[str, Any]:
    """GeoJSON geometry with coordinates rounded to `precision` decimals (about 1 m at 5)."""
    rounded = shapely.set_precision(geometry, 10**-precision)
    result: dict[str, Any] = json.loads(shapely.to_geojson(rounded))
    return result


def from_geojson(data: dict[str, Any]) -> shapely.Geometry:
    return shapely.from_geojson(json.dumps(data))


def boundaries_checksum(items: Sequence[tuple[str, dict[str, Any] | None]]) -> str:
    digest = hashlib.sha256()
    for code, boundary in sorted(items, key=lambda item: item[0]):
        digest.update(code.encode())
        digest.update(json.dumps(boundary, sort_keys=True).encode())
    return digest.hexdigest()


def build_topology(
    features: Sequence[tuple[str, str, dict[str, Any]]],
    *,
    object_name: str,
    tolerance: float = 0.0004,
) -> dict[str, Any]:
    """TopoJSON of (code, name, GeoJSON geometry) features, with shared borders kept shared.

    Simplified topologically (Douglas-Peucker on arcs, `tolerance` in degrees: 0.0004 ≈ 35 m)
    and quantised, so neighbouring comuni stay joined and the file stays small. Exterior rings
    are made clockwise, as d3-geo (Vega's projection) expects for spherical polygons.
    """
    import geopandas as gpd
    import topojson

    frame = gpd.GeoDataFrame(
        {"code": [f[0] for f in features], "name": [f[1] for f in features]},
        geometry=[shapely.orient_polygons(from_geojson(f[2]), exterior_cw=True) for f in features],
        crs="EPSG:4326",
    )
    topology = topojson.Topology(  # type: ignore[attr-defined]
        frame, prequantize=1e5, toposimplify=tolerance, object_name=object_name
    )
    data: dict[str, Any] = json.loads(str(topology.to_json()))
    return enforce_clockwise(data)


def _ring_area(topology: dict[str, Any], ring: list[int]) -> float:
    """Planar signed area (shoelace) of a ring of arc indices; > 0 is counter-clockwise."""
    scale = topology.get("transform", {}).get("scale", [1.0, 1.0])
    translate = topology.get("transform", {}).get("translate", [0.0, 0.0])
    quantised = "transform" in topology
    points: list[tuple[float, float]] = []
    for position, index in enumerate(ring):
        arc = topology["arcs"][index if index >= 0 else ~index]
        coords: list[tuple[float, float]] = []
        x = y = 0.0
        for dx, dy in arc:
            if quantised:
                x, y = x + dx, y + dy
                coords.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
            else:
                coords.append((dx, dy))
        if index < 0:
            coords.reverse()
        points.extend(coords if position == 0 else coords[1:])
    return 0.5 * sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)
    )


def enforce_clockwise(topology: dict[str, Any]) -> dict[str, Any]:
    """Make every exterior ring clockwise and every hole counter-clockwise; drop collapsed rings.

    Simplification can flip or flatten tiny polygons; one flipped exterior ring makes d3-geo
    draw the whole globe, so the map shows a filled rectangle.
    """
    for obj in topology.get("objects", {}).values():
        for geometry in obj.get("geometries", []):
            if geometry.get("type") == "Polygon":
                polygons = [geometry["arcs"]]
            elif geometry.get("type") == "MultiPolygon":
                polygons = geometry["arcs"]
            else:
                continue
            fixed = []
            for polygon in polygons:
                rings = []
                for position, ring in enumerate(polygon):
                    area = _ring_area(topology, ring)
                    if area == 0:
                        if position == 0:
                            break
                        continue
                    exterior = position == 0
                    if (exterior and area > 0) or (not exterior and area < 0):
                        ring = [~index for index in reversed(ring)]
                    rings.append(ring)
                if rings:
                    fixed.append(rings)
            if geometry["type"] == "Polygon":
                geometry["arcs"] = fixed[0] if fixed else []
            else:
                geometry["arcs"] = fixed
    return topology
