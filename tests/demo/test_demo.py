"""The Turin demo: what it loads, how it labels missing facts, and that it is idempotent."""

from __future__ import annotations

import pytest

from territori.core.models import AuditEntry, DataStatus
from territori.demo.services import demo_load
from territori.frameworks.models import Framework, Link, Node
from territori.territories.models import Membership, Territory

pytestmark = pytest.mark.django_db


def test_agenda_has_21_missions_grouped_by_mas_as_in_the_reference():
    counts = {
        mas.code: mas.children.count()
        for mas in Node.objects.filter(framework__code="amsvs-torino", level="mas").order_by("code")
    }
    assert counts == {"MAS1": 6, "MAS2": 4, "MAS3": 5, "MAS4": 2, "MAS5": 2, "MAS6": 2}
    confirmed = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    assert confirmed.status == DataStatus.CONFIRMED
    assert confirmed.title_it.startswith("Promuovere la green economy")
    others = Node.objects.filter(framework__code="amsvs-torino", level="missione").exclude(
        code="1.2"
    )
    assert others.count() == 20
    assert all(
        n.status == DataStatus.MISSING and "titolo da completare" in n.title_it for n in others
    )


def test_frameworks_hold_the_reference_counts():
    def count(code: str, level: str) -> int:
        return Node.objects.filter(framework__code=code, level=level).count()

    assert count("sdg", "goal") == 17
    assert count("snsvs-2022", "area") == 5
    assert count("snsvs-2022", "vettore") == 3
    assert count("srsvs-piemonte", "mas") == 7
    assert count("pnrr", "missione") == 6
    assert count("pnrr", "componente") == 16
    assert count("psm-2024-2026", "asse") == 6
    assert count("psm-2021-2023", "asse") == 6
    assert count("psm-2021-2023", "azione") == 10
    assert count("proposta-2024", "azione") == 11
    budget = sum(
        n.attributes["budget_eur"]["total"]
        for n in Node.objects.filter(framework__code="proposta-2024", level="azione")
    )
    assert budget == 259571  # the proposal's Tabella 3 total
    assert Framework.objects.count() == 8


def test_each_psm_axis_corresponds_to_its_pnrr_mission():
    for edition in ("psm-2021-2023", "psm-2024-2026"):
        pairs = set(
            Link.objects.filter(
                source_node__framework__code=edition, kind="corresponds_to"
            ).values_list("source_node__code", "target_node__code")
        )
        assert pairs == {(str(i), f"M{i}") for i in range(1, 7)}
    assert (
        not Link.objects.filter(status=DataStatus.ILLUSTRATIVE)
        .exclude(note__icontains="dimostrativo")
        .exists()
    )


def test_territories_zones_and_confirmed_memberships():
    kinds = {kind: Territory.objects.filter(kind=kind).count() for kind in Territory.Kind.values}
    assert kinds == {
        "country": 1,
        "region": 1,
        "metro_city": 1,
        "zona": 11,
        "comune": 312,
        "custom": 0,
    }
    assert Territory.objects.get(code="001272").boundary["type"] in {"Polygon", "MultiPolygon"}
    per_zone = {n: Membership.objects.filter(group__number=n).count() for n in (1, 4, 8, 10, 11)}
    assert per_zone == {1: 1, 4: 8, 8: 46, 10: 24, 11: 22}
    assert (
        Membership.objects.get(member__name="Leini").group.number == 4
    )  # "Leinì" in the reference
    unlisted = Territory.objects.filter(kind="zona", members_status=DataStatus.PARTIAL)
    assert sorted(unlisted.values_list("number", flat=True)) == [2, 3, 5, 6, 7, 9]


def test_loading_the_demo_again_changes_nothing():
    before = (
        Node.objects.count(),
        Territory.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    report = demo_load()
    assert report.changes == 0
    after = (
        Node.objects.count(),
        Territory.objects.count(),
        Membership.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before
