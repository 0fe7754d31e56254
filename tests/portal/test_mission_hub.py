"""The Mission page is where the Agenda is run: coherence summary, who carries the Mission,
meetings and contributions about it and the programme actions that serve it, each block with
its full page, and "nothing yet" said plainly; the same for a strategy or axis of the plan."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from territori.atlas.models import Membership
from territori.frameworks.models import Node
from tests.conftest import assert_same_queries
from tests.factories import (
    ContributionFactory,
    MeetingFactory,
    NetworkFactory,
    OrganisationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

MISSION = "/en/quadri/amsvs-torino/1.2/"


def _section(client: Client, url: str) -> str:
    return client.get(url).content.decode().split('id="mission-hub"', 1)[1]


def _carry(node: Node, n: int) -> None:
    """A project and a network serving the node, an organisation in the network, a lab about
    it next month and one last year, an answered contribution tagged to it."""
    from territori.atlas.models import NetworkArea, Place
    from territori.territories.models import Territory

    now = timezone.now()
    comuni = list(Territory.objects.filter(kind=Territory.Kind.COMUNE).order_by("code")[:40])
    project = ProjectFactory(title=f"Comunità energetica {n}", total_funding=Decimal(2_500_000))
    project.nodes.add(node)
    Place.objects.create(project=project, territory=comuni[n % len(comuni)], share=1)
    network = NetworkFactory(name=f"Green community {n}")
    network.nodes.add(node)
    NetworkArea.objects.create(network=network, territory=comuni[(n + 7) % len(comuni)])
    Membership.objects.create(
        organisation=OrganisationFactory(name=f"Consorzio {n}"), network=network
    )
    for days, title in (
        (30 + n, f"Laboratorio futuro {n}"),
        (-365 - n, f"Laboratorio passato {n}"),
    ):
        MeetingFactory(
            title_it=title,
            starts_at=now + dt.timedelta(days=days),
            ends_at=now + dt.timedelta(days=days, hours=2),
        ).nodes.add(node)
    contribution = ContributionFactory(title=f"Proposta sulle rinnovabili {n}", answer="Accolta.")
    contribution.nodes.add(node)


def test_a_mission_hub_joins_everything_about_it(client: Client, coherence: Any) -> None:
    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    _carry(mission, 1)
    hub = _section(client, MISSION)
    coherence_block = hub.split('id="hub-coherence"')[1].split('id="hub-atlas"')[0]
    assert "Strongest synergies" in coherence_block or "Strongest conflicts" in coherence_block
    assert 'href="/en/coerenza/schede/amsvs-torino/1.2/"' in coherence_block
    assert 'href="/en/coerenza/schede/amsvs-torino/1.2/scheda.pdf"' in coherence_block
    for text in (
        "Comunità energetica 1",
        "2,500,000 €",
        "Green community 1",
        "1 organisation",
        'href="/en/atlante/?missione=1.2"',
        "Laboratorio futuro 1",
        "Laboratorio passato 1",
        'href="/en/partecipa/incontri/?missione=1.2"',
        "Proposta sulle rinnovabili 1",
        "answered",
        'href="/en/partecipa/contributi/?tema=amsvs-torino%3A1.2"',
    ):
        assert text in hub, text
    assert "Nothing yet: no action of the programme is linked to it." in hub


def test_an_empty_hub_says_nothing_yet_in_each_block(client: Client, frameworks: Any) -> None:
    hub = _section(client, MISSION)
    assert "no published coherence matrix includes it" in hub
    assert "no project or network loaded in the atlas serves it" in hub
    assert "no meeting about it is on the calendar" in hub
    assert "nobody has sent a contribution about it" in hub
    assert "no action of the programme is linked to it" in hub


def test_a_strategy_of_the_plan_has_its_hub_with_what_serves_the_nodes_under_it(
    client: Client, frameworks: Any
) -> None:
    axis = Node.objects.get(framework__code="psm-2024-2026", code="1")
    strategy = axis.children.first()
    assert strategy is not None
    _carry(strategy, 2)
    hub = _section(client, "/en/quadri/psm-2024-2026/1/")
    assert "How this part of the plan is carried out" in hub
    assert "Comunità energetica 2" in hub and "Laboratorio futuro 2" in hub
    assert 'href="/en/atlante/?asse=1"' in hub
    # a framework without a role (not the site's agenda or plan) has no hub
    page = client.get("/en/quadri/sdg/7/").content.decode()
    assert 'id="mission-hub"' not in page


def test_the_hub_s_queries_do_not_grow(client: Client, coherence: Any) -> None:
    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    _carry(mission, 0)
    counter = iter(range(1, 100))

    def grow() -> None:
        for _ in range(4):
            _carry(mission, next(counter))

    assert_same_queries(client, MISSION, grow)
    assert_same_queries(client, MISSION + "luoghi.csv", grow)


def test_the_composite_table_names_its_territories(client: Client, indicators: Any) -> None:
    page = client.get("/quadri/amsvs-torino/1.2/").content.decode()
    assert 'id="composite-explained"' in page and "sopra 100 è meglio" in page  # in words
    table = page.split('id="chart-composite-table"')[1].split("</thead>")[0]
    headers = [h.split(">")[-1] for h in table.split("</th>")[1:-1]]
    assert headers and "Italia" in headers
    assert not {"IT", "01", "201"} & set(headers)


def test_the_hub_leads_to_the_mission_s_section_of_the_latest_report(
    client: Client, frameworks: Any
) -> None:
    from territori.publication.models import Report

    hub = _section(client, MISSION)
    assert "no monitoring report is published" in hub
    Report.objects.create(year=2025, title_it="Rapporto 2025", published=True, state="done")
    Report.objects.create(year=2024, title_it="Rapporto 2024", published=True, state="done")
    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    hub = _section(client, MISSION)
    assert f'href="/en/rapporto/2025/#node-{mission.pk}"' in hub
    assert 'href="/en/rapporto/2025/rapporto-en.pdf"' in hub


def test_the_hub_shows_the_news_about_the_mission(client: Client, frameworks: Any) -> None:
    from django.utils import timezone as tz

    from territori.publication.models import Page

    assert "Nothing yet: no news is about it." in _section(client, MISSION)
    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    other = Node.objects.get(framework__code="amsvs-torino", code="2.1")
    about = Page.objects.create(
        slug="notizia-missione",
        kind=Page.Kind.NEWS,
        title_it="Notizia sulla Missione",
        published=True,
        published_at=tz.now(),
    )
    about.nodes.add(mission)
    Page.objects.create(
        slug="notizia-bozza", kind=Page.Kind.NEWS, title_it="Bozza", published=False
    ).nodes.add(mission)
    Page.objects.create(
        slug="notizia-altra", kind=Page.Kind.NEWS, title_it="Altra Missione", published=True
    ).nodes.add(other)
    hub = _section(client, MISSION)
    assert "Notizia sulla Missione" in hub and 'href="/en/pagine/notizia-missione/"' in hub
    assert "Bozza" not in hub and "Altra Missione" not in hub


def test_the_hub_maps_where_its_projects_and_networks_are(client: Client, frameworks: Any) -> None:
    from territori.atlas.models import NetworkArea, Place
    from territori.territories.models import Territory

    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    assert 'id="hub-map"' not in _section(client, MISSION)  # nothing located: no map
    first, second, third = Territory.objects.filter(kind=Territory.Kind.COMUNE).order_by("code")[:3]
    project = ProjectFactory(title="Impianto solare")
    project.nodes.add(mission)
    Place.objects.create(project=project, territory=first, share=0.5)
    Place.objects.create(project=project, territory=second, share=0.5)
    network = NetworkFactory(name="Rete del sole")
    network.nodes.add(mission)
    NetworkArea.objects.create(network=network, territory=second)
    NetworkArea.objects.create(network=network, territory=third)
    unrelated = ProjectFactory(title="Altro")
    Place.objects.create(project=unrelated, territory=third, share=1)

    hub = _section(client, MISSION)
    assert 'id="hub-map"' in hub and 'id="hub-map-table"' in hub
    spec = json.loads(hub.split('id="hub-map-spec"')[1].split(">", 1)[1].split("</script>")[0])
    categories = json.loads(spec["transform"][0]["calculate"].split("[datum")[0])
    assert categories == {
        first.code: "projects",
        second.code: "projects and networks",
        third.code: "networks",
    }
    response = client.get("/quadri/amsvs-torino/1.2/luoghi.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "codice_comune,comune,progetti,reti"
    by_code = {line.split(",")[0]: line.split(",")[2:] for line in lines[1:]}
    # the unrelated project in the third comune is not counted
    assert by_code == {first.code: ["1", "0"], second.code: ["1", "1"], third.code: ["0", "1"]}


def test_the_composite_download_says_how_its_data_is_known(client: Client, indicators: Any) -> None:
    def statuses() -> set[str]:
        text = client.get("/quadri/amsvs-torino/1.2/composito.csv").content.decode("utf-8-sig")
        header, *rows = text.splitlines()
        assert header.endswith(",stato_dato") and rows
        return {row.rsplit(",", 1)[1] for row in rows}

    mission = Node.objects.get(framework__code="amsvs-torino", code="1.2")
    first, second = mission.indicators.order_by("code")
    assert {first.status, second.status} == {"illustrative"}
    assert statuses() == {"illustrative"}
    # one illustrative indicator is enough to make the composite illustrative
    type(first).objects.filter(pk=first.pk).update(status="confirmed")
    assert statuses() == {"illustrative"}
    type(first).objects.filter(pk__in=[first.pk, second.pk]).update(status="confirmed")
    assert statuses() == {"confirmed"}
    type(first).objects.filter(pk=second.pk).update(status="partial")
    assert statuses() == {"partial"}
