"""Factories for the main models (factory_boy): a test builds the few rows it needs instead of
leaning on the whole Turin demo. Every row they make is illustrative test data."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from territori.atlas.models import Network, Organisation, Project
from territori.core.models import DataStatus
from territori.frameworks.models import Framework, Node
from territori.indicators.models import Indicator, Observation
from territori.participation.models import Contribution, Meeting, Process
from territori.publication.models import Page
from territori.territories.models import Territory


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
