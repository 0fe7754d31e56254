"""Factories for the main models (factory_boy): a test builds the few rows it needs instead of
leaning on the whole Turin demo. Every row they make is illustrative test data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import factory
from django.conf import settings
from django.utils import timezone

from territori.atlas.models import Network, Organisation, Project
from territori.core.models import DataStatus
from territori.frameworks.models import Framework, Node
from territori.indicators.models import Indicator, Observation
from territori.participation.models import Contribution, Meeting, Process
from territori.publication.models import Page
from territori.territories.models import Membership, Territory


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    code = factory.Sequence(lambda n: f"quadro-{n}")
    name_it = factory.Sequence(lambda n: f"Quadro di prova {n}")
    status = DataStatus.ILLUSTRATIVE
    levels: Any = factory.LazyFunction(
        lambda: [
            {"code": "ambito", "it": "Ambito", "en": "Area"},
            {"code": "obiettivo", "it": "Obiettivo", "en": "Goal"},
        ]
    )


class NodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    framework = factory.SubFactory(FrameworkFactory)
    level = "ambito"
    code = factory.Sequence(lambda n: f"N{n}")
    title_it = factory.Sequence(lambda n: f"Nodo di prova {n}")
    status = DataStatus.ILLUSTRATIVE


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    code = factory.Sequence(lambda n: f"T{n:05d}")
    kind = Territory.Kind.COMUNE
    name = factory.Sequence(lambda n: f"Comune di prova {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"prova-{n}")
    name_it = factory.Sequence(lambda n: f"Indicatore di prova {n}")
    unit = "%"
    status = DataStatus.ILLUSTRATIVE


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    territory = factory.SubFactory(TerritoryFactory)
    year = 2020
    value = 50.0


class NewsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    kind = Page.Kind.NEWS
    slug = factory.Sequence(lambda n: f"notizia-di-prova-{n}")
    title_it = factory.Sequence(lambda n: f"Notizia di prova {n}")
    body_it = "Testo di prova."
    published = True
    published_at = factory.LazyFunction(timezone.now)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ente-prova-{n}")
    name = factory.Sequence(lambda n: f"Ente di prova {n}")
    kind = Organisation.Kind.PUBLIC_BODY
    status = DataStatus.ILLUSTRATIVE


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    code = factory.Sequence(lambda n: f"rete-prova-{n}")
    name = factory.Sequence(lambda n: f"Rete di prova {n}")
    kind = Network.Kind.PARTNERSHIP
    status = DataStatus.ILLUSTRATIVE


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"progetto-prova-{n}")
    title = factory.Sequence(lambda n: f"Progetto di prova {n}")
    origin = Project.Origin.OWN
    data_status = DataStatus.ILLUSTRATIVE


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    code = factory.Sequence(lambda n: f"processo-prova-{n}")
    title_it = factory.Sequence(lambda n: f"Processo di prova {n}")
    data_status = DataStatus.ILLUSTRATIVE


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    code = factory.Sequence(lambda n: f"incontro-prova-{n}")
    title_it = factory.Sequence(lambda n: f"Incontro di prova {n}")
    kind = Meeting.Kind.LAB
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyFunction(timezone.now)
    data_status = DataStatus.ILLUSTRATIVE


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Contributo di prova {n}")
    body = "Testo di prova."
    author_name = "Partecipante di prova"
    data_status = DataStatus.ILLUSTRATIVE


def square(x: float, y: float, size: float = 0.05) -> dict[str, Any]:
    """A small square boundary (GeoJSON) with its corner at longitude x, latitude y."""
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class HomeTree:
    """Italy, a region, the home metropolitan city, its zone omogenee and comuni."""

    italy: Territory
    region: Territory
    home: Territory
    zones: dict[int, Territory] = field(default_factory=dict)
    comuni: dict[str, Territory] = field(default_factory=dict)


def home_tree(
    *,
    comuni: Mapping[str, str],
    zones: Iterable[int] | Mapping[int, str] = (),
    members: Mapping[str, int] | None = None,
    boundaries: bool = False,
    region: tuple[str, str] = ("R-PROVA", "Regione di prova"),
) -> HomeTree:
    """The home territory (the setting TERRITORI_HOME_TERRITORY) with the comuni given by
    ISTAT code and name, the zones by number (code ZO01...; a mapping gives their names)
    and, in `members`, which zone each comune belongs to (since 2000): a zone with members
    has its list confirmed, one without is partial. With `boundaries`, each comune gets a
    square."""
    names = dict(zones) if isinstance(zones, Mapping) else {n: f"Zona di prova {n}" for n in zones}
    listed = set((members or {}).values())
    italy = TerritoryFactory(code="IT", kind=Territory.Kind.COUNTRY, name="Italia")
    region_territory = TerritoryFactory(
        code=region[0], kind=Territory.Kind.REGION, name=region[1], parent=italy
    )
    home = TerritoryFactory(
        code=str(settings.TERRITORI_HOME_TERRITORY),
        kind=Territory.Kind.METRO_CITY,
        name="Città metropolitana di prova",
        parent=region_territory,
    )
    tree = HomeTree(italy=italy, region=region_territory, home=home)
    for number, name in names.items():
        tree.zones[number] = TerritoryFactory(
            code=f"ZO{number:02d}",
            kind=Territory.Kind.ZONA,
            name=name,
            number=number,
            parent=home,
            members_status="confirmed" if number in listed else "partial",
        )
    for index, (code, name) in enumerate(comuni.items()):
        tree.comuni[code] = TerritoryFactory(
            code=code,
            name=name,
            parent=home,
            boundary=square(7.0 + 0.05 * index, 45.0) if boundaries else None,
        )
    for code, number in (members or {}).items():
        Membership.objects.create(
            member=tree.comuni[code], group=tree.zones[number], valid_from="2000-01-01"
        )
    return tree
