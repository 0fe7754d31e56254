"""Geometry helpers: geodesic areas and the TopoJSON used by every map."""

from __future__ import annotations

import shapely

from territori.io import geopop
from territori.io.geo import (
    _ring_area,
    build_topology,
    enforce_clockwise,
    geodesic_area_km2,
    to_geojson,
)


def test_geodesic_area_of_one_degree_square_at_the_equator():
    # A 1°x1° cell at the equator is 12,308 km² on the WGS84 ellipsoid (hand-computed:
    # a² ... via the authalic formula); tolerance 0.1 %.
    square = shapely.box(0, 0, 1, 1)
    assert abs(geodesic_area_km2(square) - 12308.8) / 12308.8 < 0.001


def test_the_312_comuni_add_up_to_the_published_area_of_the_metropolitan_city():
    # Published: 6,827 km² (reference/torino.yaml); boundaries are generalised, so 0.5 % tolerance.
    comuni = geopop.province_comuni(province_code=1, year=2023)
    assert len(comuni) == 312
    total = sum(place.area_km2 for place in comuni)
    assert abs(total - 6827) / 6827 < 0.005
    torino = next(place for place in comuni if place.code == "001272")
    assert abs(torino.area_km2 - 130.0) < 1.5  # ISTAT: 130.01 km²


def test_topology_has_clockwise_exteriors_and_keeps_every_feature():
    left = to_geojson(shapely.box(7.0, 45.0, 7.1, 45.1))  # counter-clockwise, as RFC 7946 writes
    right = to_geojson(shapely.box(7.1, 45.0, 7.2, 45.1))
    topology = build_topology([("A", "Left", left), ("B", "Right", right)], object_name="comuni")
    geometries = topology["objects"]["comuni"]["geometries"]
    assert [g["properties"]["code"] for g in geometries] == ["A", "B"]
    for geometry in geometries:
        assert _ring_area(topology, geometry["arcs"][0]) < 0  # clockwise
    # the shared border is stored once: 2 squares share 1 arc
    assert len(topology["arcs"]) <= 3


def test_enforce_clockwise_flips_a_counter_clockwise_ring():
    topology = {
        "type": "Topology",
        "arcs": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        "objects": {
            "x": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0]]}]}
        },
    }
    assert _ring_area(topology, [0]) > 0
    fixed = enforce_clockwise(topology)
    assert fixed["objects"]["x"]["geometries"][0]["arcs"] == [[~0]]
    assert _ring_area(fixed, [~0]) < 0
