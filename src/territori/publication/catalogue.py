"""The DCAT-AP_IT catalogue of the open datasets (rdflib; JSON-LD and RDF/XML).

The profile's classes are used (dcatapit:Catalog, Dataset, Distribution, Agent,
LicenseDocument); themes, formats, languages and frequencies are the EU Publications Office
vocabularies the profile requires. The publisher's IPA code is a setting
(`TERRITORI_PUBLISHER_IPA`): the reference facts do not give it, so it is left out until set.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from territori.frameworks.selectors import site_frameworks
from territori.territories.selectors import SiteOwner, site_owner

from .datasets import CC_BY_4, DATASETS, Dataset

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
THEME = Namespace(EU + "data-theme/")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
FREQUENCY = Namespace(EU + "frequency/")
LICENCE_TYPE = URIRef("http://purl.org/adms/licencetype/Attribution")
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("JSON", "application/json"),
}


def _absolute(path: str) -> URIRef:
    return URIRef(settings.TERRITORI_BASE_URL.rstrip("/") + path)


def _publisher(graph: Graph, owner: SiteOwner) -> URIRef:
    agent = _absolute("/dati/#editore")
    graph.add((agent, RDF.type, DCATAPIT.Agent))
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal(owner.name_it, lang="it")))
    if owner.name_en:
        graph.add((agent, FOAF.name, Literal(owner.name_en, lang="en")))
    ipa = getattr(settings, "TERRITORI_PUBLISHER_IPA", "")
    if ipa:
        graph.add((agent, DCTERMS.identifier, Literal(ipa)))
    return agent


def _contact(graph: Graph) -> URIRef:
    contact = _absolute("/dati/#contatto")
    graph.add((contact, RDF.type, DCATAPIT.Organization))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal("Agenda metropolitana per lo sviluppo sostenibile")))
    email = getattr(settings, "TERRITORI_OPEN_DATA_EMAIL", "") or settings.DEFAULT_FROM_EMAIL
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return contact


def _licence(graph: Graph, dataset: Dataset) -> URIRef:
    uri = (
        URIRef(CC_BY_4)
        if dataset.licence == CC_BY_4
        else _absolute(f"/dati/{dataset.key}/#licenza")
    )
    graph.add((uri, RDF.type, DCATAPIT.LicenseDocument))
    graph.add((uri, RDF.type, DCTERMS.LicenseDocument))
    if dataset.licence == CC_BY_4:
        graph.add((uri, DCTERMS.type, LICENCE_TYPE))
        graph.add(
            (
                uri,
                FOAF.name,
                Literal("Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)", lang="it"),
            )
        )
    else:
        graph.add((uri, FOAF.name, Literal(dataset.licence, lang="it")))
    return uri


def catalogue_graph(*, today: date | None = None) -> Graph:
    today = today or timezone.localdate()
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("dcatapit", DCATAPIT)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    catalogue = _absolute(reverse("portal:catalogue", kwargs={"fmt": "jsonld"}))
    owner = site_owner()
    agenda_code = site_frameworks().agenda_code or "territori"
    publisher = _publisher(graph, owner)
    contact = _contact(graph)
    graph.add((catalogue, RDF.type, DCATAPIT.Catalog))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add(
        (
            catalogue,
            DCTERMS.title,
            Literal("Dati aperti dell'Agenda metropolitana per lo sviluppo sostenibile", lang="it"),
        )
    )
    graph.add(
        (
            catalogue,
            DCTERMS.title,
            Literal("Open data of the Metropolitan Agenda for Sustainable Development", lang="en"),
        )
    )
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            Literal(
                "Indicatori, valutazioni, progetti, reti, matrici di coerenza e incontri "
                f"dell'Agenda per lo sviluppo sostenibile ({owner.name_it}).",
                lang="it",
            ),
        )
    )
    graph.add(
        (
            catalogue,
            DCTERMS.description,
            Literal(
                "Indicators, assessments, projects, networks, coherence matrices and meetings "
                f"of the Sustainable Development Agenda ({owner.name_en or owner.name_it}).",
                lang="en",
            ),
        )
    )
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, _absolute("/")))
    graph.add((catalogue, DCTERMS.language, LANGUAGE.ITA))
    graph.add((catalogue, DCTERMS.language, LANGUAGE.ENG))
    graph.add((catalogue, DCTERMS.modified, Literal(today, datatype=XSD.date)))
    for dataset in DATASETS.values():
        node = _absolute(reverse("portal:dataset", kwargs={"key": dataset.key}))
        graph.add((catalogue, DCAT.dataset, node))
        graph.add((node, RDF.type, DCATAPIT.Dataset))
        graph.add((node, RDF.type, DCAT.Dataset))
        identifier = getattr(settings, "TERRITORI_PUBLISHER_IPA", "") or agenda_code
        graph.add((node, DCTERMS.identifier, Literal(f"{identifier}:{dataset.key}")))
        graph.add((node, DCTERMS.title, Literal(dataset.title_it, lang="it")))
        graph.add((node, DCTERMS.title, Literal(dataset.title_en, lang="en")))
        graph.add((node, DCTERMS.description, Literal(dataset.description_it, lang="it")))
        graph.add((node, DCTERMS.description, Literal(dataset.description_en, lang="en")))
        graph.add((node, DCAT.theme, THEME[dataset.theme]))
        graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY[dataset.frequency]))
        graph.add((node, DCTERMS.publisher, publisher))
        graph.add((node, DCTERMS.rightsHolder, publisher))
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((node, DCTERMS.language, LANGUAGE.ITA))
        modified = (dataset.modified() if dataset.modified else None) or today
        graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
        graph.add((node, DCAT.landingPage, node))
        licence = _licence(graph, dataset)
        for fmt, (code, media_type) in FORMATS.items():
            url = _absolute(
                reverse("portal:dataset_download", kwargs={"key": dataset.key, "fmt": fmt})
            )
            distribution = BNode(f"{dataset.key}-{fmt}")
            graph.add((node, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCATAPIT.Distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add(
                (distribution, DCTERMS.title, Literal(f"{dataset.title_it} ({code})", lang="it"))
            )
            graph.add((distribution, DCAT.accessURL, url))
            graph.add((distribution, DCAT.downloadURL, url))
            graph.add((distribution, DCTERMS.format, FILE_TYPE[code]))
            graph.add(
                (
                    distribution,
                    DCAT.mediaType,
                    URIRef(f"https://www.iana.org/assignments/media-types/{media_type}"),
                )
            )
            graph.add((distribution, DCTERMS.license, licence))
    return graph


def catalogue_jsonld() -> str:
    return catalogue_graph().serialize(format="json-ld", indent=1)


def catalogue_rdfxml() -> str:
    return catalogue_graph().serialize(format="pretty-xml")
