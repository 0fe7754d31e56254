"""Zone membership imports and the map topology."""

from __future__ import annotations

import datetime as dt

import pytest

from territori.core.models import AuditEntry
from territori.io.errors import InputValidationError
from territori.territories.models import Membership, Territory
from territori.territories.selectors import comune_zones, group_members
from territori.territories.services import topology_build, zone_memberships_import

from ..factories import HomeTree, TerritoryFactory, home_tree, square

pytestmark = pytest.mark.django_db

#: Comuni of the zone files in tests/fixtures/zones (real names and ISTAT codes).
COMUNI = {
    "001024": "Beinasco",
    "001090": "Collegno",
    "001120": "Grugliasco",
    "001219": "Rivoli",
    "001272": "Torino",
    "001316": "Mappano",
}


@pytest.fixture
def tree() -> HomeTree:
    return home_tree(comuni=COMUNI, zones=(1, 2, 3, 4, 10), members={"001316": 4})


def test_importing_a_zone_list_fills_the_zona(fixture_bytes, tree):
    ovest = Territory.objects.get(code="ZO02")
    assert group_members(group=ovest).count() == 0
    report = zone_memberships_import(
        data=fixture_bytes("zones", "good.csv"), filename="good.csv", source="test"
    )
    assert (report.created, report.closed) == (3, 0)
    members = {m.member.name: m.valid_from for m in group_members(group=ovest)}
    assert members == {"Beinasco": None, "Collegno": None, "Grugliasco": dt.date(2016, 1, 1)}
    again = zone_memberships_import(data=fixture_bytes("zones", "good.csv"), filename="good.csv")
    assert (again.created, again.unchanged) == (0, 3)


def test_moving_mappano_closes_its_old_membership_and_is_audited(fixture_bytes, tree):
    Membership.objects.filter(member__code="001316").update(valid_from=dt.date(2021, 8, 4))
    report = zone_memberships_import(data=fixture_bytes("zones", "move.csv"), filename="move.csv")
    assert (report.created, report.closed) == (1, 1)
    history = list(Membership.objects.filter(member__name="Mappano").order_by("valid_from"))
    assert [(m.group.number, m.valid_from, m.valid_to) for m in history] == [
        (4, dt.date(2021, 8, 4), dt.date(2024, 12, 31)),
        (10, dt.date(2025, 1, 1), None),
    ]
    assert comune_zones(day=dt.date(2024, 6, 1))["001316"].number == 4
    assert comune_zones(day=dt.date(2025, 6, 1))["001316"].number == 10
    update = AuditEntry.objects.filter(model="territories.membership", action="update").latest("id")
    assert update.before["valid_to"] is None
    assert update.after["valid_to"] == "2024-12-31"


def test_a_broken_zone_file_writes_nothing_and_names_each_row(fixture_bytes, tree):
    before = (Membership.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InputValidationError) as caught:
        zone_memberships_import(data=fixture_bytes("zones", "broken.csv"), filename="broken.csv")
    found = {(e.row, e.field): e.message for e in caught.value.errors}
    assert found[(2, "comune")] == "unknown comune"
    assert found[(3, "zona")].startswith("unknown zona omogenea")
    assert found[(4, "zona")] == "not a zona number"
    assert found[(5, "valid_from")].startswith("not a date")
    assert "two zones at once" in found[(7, "zona")]
    assert "give valid_from to move it" in found[(8, "zona")]
    assert found[(9, "comune")] == "unknown comune; did you mean 'Torino'?"
    assert (Membership.objects.count(), AuditEntry.objects.count()) == before


def test_excel_and_unsupported_files(fixture_bytes, tree):
    from territori.io.tabular import write_xlsx

    data = write_xlsx(
        {"zone": [["comune", "zona", "valid_from"], ["Collegno", 2, dt.date(2020, 1, 1)]]}
    )
    report = zone_memberships_import(data=data, filename="zone.xlsx")
    assert report.created == 1
    with pytest.raises(InputValidationError) as caught:
        zone_memberships_import(data=b"x", filename="zone.ods")
    assert "unsupported file type" in str(caught.value)
    with pytest.raises(InputValidationError) as missing:
        zone_memberships_import(data=fixture_bytes("zones", "missing-column.csv"), filename="m.csv")
    assert missing.value.errors[0].field == "zona"


def test_topology_is_rebuilt_only_when_boundaries_change():
    home_tree(comuni={"001001": "Agliè", "001002": "Airasca"}, boundaries=True)
    TerritoryFactory(code="099001", name="Fuori", boundary=square(9.0, 44.0))  # not home's
    topology = topology_build()
    assert topology.feature_count == 2
    assert topology_build().built_at == topology.built_at
    comune = Territory.objects.get(code="001001")
    assert comune.boundary is not None
    comune.boundary = {
        "type": "Polygon",
        "coordinates": [[[7.7, 45.3], [7.8, 45.3], [7.8, 45.4], [7.7, 45.3]]],
    }
    comune.save()
    assert topology_build().source_checksum != topology.source_checksum
