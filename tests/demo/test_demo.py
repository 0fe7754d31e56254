"""The Turin demo: what it loads, how it labels missing facts, and that it is idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from territori.core.models import AuditEntry, DataStatus
from territori.demo.services import demo_load
from territori.frameworks.models import Framework, Link, Node
from territori.participation.models import Body, Meeting, Participant, Process
from territori.territories.models import Membership, Territory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


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
    assert count("bes", "dominio") == 12
    # the PNRR measures of the official mapping, each linked to its SDG goals (confirmed)
    assert count("pnrr", "misura") == 191
    mapped = Link.objects.filter(source_node__level="misura", target_node__framework__code="sdg")
    assert mapped.count() == 262
    assert set(mapped.values_list("status", flat=True)) == {DataStatus.CONFIRMED}
    assert Framework.objects.count() == 9


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
        "region": 20,
        "province": 97,  # 93 and the 4 suppressed Sardinian ones
        "metro_city": 14,
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


@pytest.mark.slow
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


def test_real_indicators_say_source_licence_edition_and_what_is_attributed():
    from territori.indicators.models import Indicator, Observation

    waste = Indicator.objects.get(code="10AMB017")
    assert waste.status == DataStatus.CONFIRMED
    assert waste.licence.startswith("CC BY") and "Istat" in waste.source
    assert waste.edition == "Bes dei territori, edizione 10/2020"
    assert waste.polarity == 1 and not waste.polarity_confirmed and not waste.nodes_confirmed
    assert set(waste.nodes.values_list("framework__code", "code")) >= {("bes", "10"), ("sdg", "12")}
    assert waste.description_it.startswith("Percentuale di rifiuti urbani")
    # ISTAT's SDG measures name their surveys in English: Italian pages give ISTAT's Italian
    # name, once (not "Istat — Istat — Processing of data from Ispra")
    assert Indicator.objects.get(code="SDG-220").source == "Istat — Elaborazione su dati Ispra"
    assert Indicator.objects.get(code="SDG-27").source.startswith(
        "Istat — Rilevazione degli incidenti stradali"
    )
    # BES indicators for Italia, every region and province; 55 in all
    assert Indicator.objects.filter(edition__startswith="Bes dei territori").count() == 55
    levels = set(
        Observation.objects.filter(indicator=waste).values_list("territory__kind", flat=True)
    )
    assert levels == {"country", "region", "province", "metro_city"}
    # illustrative indicators with a real counterpart are gone
    assert not Indicator.objects.filter(code__in=["RD", "NEET", "FER", "PM10_DAYS"]).exists()


def test_real_pnrr_projects_with_places_funding_and_implementing_bodies():
    from territori.atlas.models import Organisation, Place, Project

    projects = Project.objects.filter(origin="pnrr")
    assert not Project.objects.filter(data_status=DataStatus.ILLUSTRATIVE).exists()
    assert projects.count() == 1995  # 2,001 rows; one CUP in several yearly tranches is one project
    cloud = Project.objects.get(cup="C81F22003040001")
    assert cloud.pnrr_measure == "M1C1I1.2" and cloud.implementing_body.fiscal_code == "01560470013"
    assert cloud.implementing_body.kind == "comune"
    assert Place.objects.filter(project=cloud).get().territory.code == "001126"  # La Cassa
    tranches = Project.objects.get(cup="D11B21005790007")
    assert {f.source: float(f.amount) for f in tranches.funding.all()} == {
        "pnrr": pytest.approx(1024763.1 + 1026943.0)
    }
    assert Organisation.objects.filter(code__startswith="cf-").count() > 100


@pytest.mark.slow
def test_demo_without_illustrative_data_keeps_only_the_real():
    from territori.atlas.models import Network
    from territori.indicators.models import Indicator

    report = demo_load(illustrative=False)
    assert "UBB" in report.indicators.removed
    assert not Indicator.objects.filter(status=DataStatus.ILLUSTRATIVE).exists()
    assert Indicator.objects.filter(code="10AMB017").exists()
    # networks have no real counterpart yet: what was loaded stays, nothing new is invented
    assert Network.objects.filter(status=DataStatus.ILLUSTRATIVE).count() == 30


def test_real_demo_names_organisations_never_people() -> None:
    body = Body.objects.get(code="cabina-di-regia-psm")
    meeting = Meeting.objects.get(code="cabina-2023-09-18")
    assert meeting.reported_attendance == 38 and meeting.data_status == "confirmed"
    assert body.members.count() == 30  # 20 organisations, 9 comuni, the facilitator
    text = meeting.minutes + " ".join(a.title_it for a in meeting.agenda.all())
    for surname in ("Cambursano", "Barbero", "Sparano", "Babando"):  # named in seed 004
        assert surname not in text
    phases = list(
        Process.objects.get(code="psm-2024-2026").phases.values_list("title_it", "start", "end")
    )
    assert phases[0] == ("Analisi", dt.date(2023, 7, 1), dt.date(2023, 10, 31))
    assert phases[3][0] == "Approvazione e restituzione pubblica" and phases[3][2] == dt.date(
        2024, 1, 31
    )
    assert not Participant.objects.exclude(user__username__endswith="@demo.invalid").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/programma/proposta-2024/",
        "/quadri/psm-2024-2026/1/",
        "/quadri/proposta-2024/1/",
        "/territori/ZO04/",
        "/partecipa/processi/psm-2024-2026/",
        "/partecipa/incontri/cabina-2023-09-18/",
        "/partecipa/incontri/forum-2024-11-28/",
        "/partecipa/organismi/forum-missioni/",
        "/notizie/",
        "/en/programma/proposta-2024/",
    ],
)
def test_public_pages_cite_sources_by_their_public_title(client, url: str) -> None:
    """Never by the project's internal names (seed files, reference files)."""
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    for internal in ("seed 00", "reference/", ".yaml"):
        assert internal not in text, (url, internal)
