"""The open datasets the platform publishes: what each holds, its columns and its licence.

One registry serves the per-dataset downloads (CSV, XLSX, JSON), the bulk ZIP with its data
dictionary and the DCAT-AP_IT catalogue, so they cannot disagree. Rows are read with
`values_list` in one query per dataset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_4_NAMES = {"cc by 4.0", "cc-by-4.0", "cc-by 4.0", "creative commons by 4.0", CC_BY_4}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, number, boolean, date, datetime
    description_it: str
    description_en: str


@dataclass(frozen=True)
class Dataset:
    key: str
    title_it: str
    title_en: str
    description_it: str
    description_en: str
    theme: str  # EU data theme (publications.europa.eu/resource/authority/data-theme)
    frequency: str  # EU frequency (ANNUAL, IRREG...)
    columns: tuple[Column, ...]
    query: Callable[[], QuerySet[Any]]
    source_licences: Callable[[], list[str]] | None = None
    modified: Callable[[], date | None] | None = None

    def rows(self) -> Iterator[tuple[Any, ...]]:
        yield from self.query().iterator(chunk_size=5000)

    def licences(self) -> list[str]:
        """The licences of the data: our elaborations are CC BY 4.0, sources keep theirs."""
        return self.source_licences() if self.source_licences else [CC_BY_4]

    @property
    def licence(self) -> str:
        """CC BY 4.0 where every source allows it; otherwise the sources' licences, listed."""
        licences = self.licences()
        if all(item.lower() in CC_BY_4_NAMES for item in licences):
            return CC_BY_4
        return "; ".join(sorted(set(licences)))


def _c(name: str, kind: str, it: str, en: str) -> Column:
    return Column(name, kind, it, en)


def _indicators() -> QuerySet[Any]:
    from territori.indicators.models import Indicator

    return Indicator.objects.order_by("order", "code").values_list(
        "code", "category", "name_it", "name_en", "unit", "polarity", "source", "licence", "status"
    )


def _indicator_licences() -> list[str]:
    from territori.indicators.models import Indicator

    licences = set(Indicator.objects.values_list("licence", flat=True))
    return sorted(item or str(_("licence not recorded")) for item in licences) or [CC_BY_4]


def _observations() -> QuerySet[Any]:
    from territori.indicators.models import Observation

    return Observation.objects.order_by(
        "indicator__code", "territory__code", "breakdown", "year"
    ).values_list(
        "indicator__code",
        "territory__code",
        "territory__kind",
        "year",
        "breakdown",
        "value",
        "provisional",
        "estimated",
        "break_in_series",
        "indicator__status",
    )


def _observations_modified() -> date | None:
    from territori.indicators.models import ImportBatch

    latest = ImportBatch.objects.aggregate(at=Max("applied_at"))["at"]
    return latest.date() if latest else None


def _assessments() -> QuerySet[Any]:
    from territori.indicators.models import Assessment

    return Assessment.objects.order_by(
        "indicator__code", "territory__code", "method", "window"
    ).values_list(
        "indicator__code",
        "territory__code",
        "method",
        "window",
        "start_year",
        "end_year",
        "cagr",
        "required_cagr",
        "ratio",
        "status",
        "indicator__status",
    )


def _composites() -> QuerySet[Any]:
    from territori.indicators.models import CompositeValue

    return CompositeValue.objects.order_by(
        "node__framework__code", "node__code", "territory__code", "method", "year"
    ).values_list(
        "node__framework__code",
        "node__code",
        "territory__code",
        "method",
        "year",
        "value",
        "indicators",
    )


def _projects() -> QuerySet[Any]:
    from territori.atlas.models import Project

    return Project.objects.order_by("code").values_list(
        "code",
        "cup",
        "title",
        "origin",
        "status",
        "programme_code",
        "pnrr_mission",
        "pnrr_component",
        "pnrr_measure",
        "implementing_body_name",
        "total_funding",
        "commitments",
        "payments",
        "planned_start",
        "planned_end",
        "progress",
        "source",
        "data_status",
    )


def _project_licences() -> list[str]:
    from territori.atlas.models import Project

    sources = set(Project.objects.values_list("source", flat=True))
    return sorted(f"{_('source')}: {item}" for item in sources if item) or [CC_BY_4]


def _networks() -> QuerySet[Any]:
    from territori.atlas.models import Membership

    return Membership.objects.order_by("network__code", "organisation__code").values_list(
        "network__code",
        "network__name",
        "network__kind",
        "organisation__code",
        "organisation__name",
        "organisation__kind",
        "role",
        "valid_from",
        "valid_to",
        "network__status",
    )


def _matrices() -> QuerySet[Any]:
    from territori.coherence.models import AgreedScore, Matrix

    return (
        AgreedScore.objects.filter(matrix__status=Matrix.Status.PUBLISHED)
        .order_by("matrix__code", "row__code", "column__code")
        .values_list(
            "matrix__code",
            "row__framework__code",
            "row__code",
            "column__framework__code",
            "column__code",
            "score",
            "matrix__data_status",
        )
    )


def _meetings() -> QuerySet[Any]:
    from territori.participation.models import Meeting

    return Meeting.objects.order_by("starts_at", "code").values_list(
        "code",
        "kind",
        "title_it",
        "title_en",
        "process__code",
        "starts_at",
        "time_known",
        "place_name",
        "comune__code",
        "reported_attendance",
        "minutes_published_at",
        "minutes",
        "data_status",
    )


STATUS = _c(
    "data_status", "string", "dato confermato o illustrativo", "confirmed or illustrative data"
)
#: Values and assessments carry their indicator's status: invented (illustrative) series keep
#: their label wherever they are downloaded.
INDICATOR_STATUS = _c(
    "data_status",
    "string",
    "stato dell'indicatore: confermato, parziale o illustrativo (dato dimostrativo)",
    "the indicator's status: confirmed, partial or illustrative (demo data)",
)

DATASETS: dict[str, Dataset] = {
    item.key: item
    for item in (
        Dataset(
            "indicatori",
            "Indicatori dell'Agenda",
            "Indicators of the Agenda",
            "Catalogo degli indicatori del sistema di monitoraggio: codice, nome, unità, "
            "polarità, fonte e licenza.",
            "Catalogue of the monitoring system's indicators: code, name, unit, polarity, "
            "source and licence.",
            "REGI",
            "ANNUAL",
            (
                _c("code", "string", "codice dell'indicatore", "indicator code"),
                _c(
                    "category",
                    "string",
                    "categoria (SNSvS, proxy locale, contesto)",
                    "category (national strategy, local proxy, context)",
                ),
                _c("name_it", "string", "nome in italiano", "name in Italian"),
                _c("name_en", "string", "nome in inglese", "name in English"),
                _c("unit", "string", "unità di misura", "unit"),
                _c(
                    "polarity",
                    "integer",
                    "1 = più alto è meglio, -1 = più basso è meglio",
                    "1 = higher is better, -1 = lower is better",
                ),
                _c("source", "string", "fonte", "source"),
                _c("licence", "string", "licenza della fonte", "licence of the source"),
                _c(
                    "status",
                    "string",
                    "dato confermato o illustrativo",
                    "confirmed or illustrative data",
                ),
            ),
            _indicators,
        ),
        Dataset(
            "osservazioni",
            "Valori degli indicatori",
            "Indicator values",
            "Valori annuali degli indicatori per comune, zona omogenea, città metropolitana, "
            "regione e Italia.",
            "Yearly values of the indicators by comune, zona omogenea, metropolitan city, "
            "region and Italy.",
            "REGI",
            "ANNUAL",
            (
                _c("indicator", "string", "codice dell'indicatore", "indicator code"),
                _c(
                    "territory",
                    "string",
                    "codice ISTAT o della piattaforma",
                    "ISTAT or platform code",
                ),
                _c("level", "string", "livello territoriale", "territorial level"),
                _c("year", "integer", "anno", "year"),
                _c(
                    "breakdown",
                    "string",
                    "disaggregazione (vuota = totale)",
                    "breakdown (empty = total)",
                ),
                _c("value", "number", "valore", "value"),
                _c("provisional", "boolean", "dato provvisorio", "provisional value"),
                _c("estimated", "boolean", "stima", "estimate"),
                _c("break_in_series", "boolean", "interruzione di serie", "break in series"),
                INDICATOR_STATUS,
            ),
            _observations,
            source_licences=_indicator_licences,
            modified=_observations_modified,
        ),
        Dataset(
            "valutazioni",
            "Valutazioni dei trend",
            "Trend assessments",
            "Valutazione dei progressi di ogni indicatore verso il target (metodi Eurostat, "
            "ISTAT e Open SDG), nel lungo e nel breve periodo.",
            "Assessment of each indicator's progress towards its target (Eurostat, ISTAT and "
            "Open SDG methods), long and short term.",
            "REGI",
            "ANNUAL",
            (
                _c("indicator", "string", "codice dell'indicatore", "indicator code"),
                _c("territory", "string", "codice del territorio", "territory code"),
                _c(
                    "method",
                    "string",
                    "metodo (eurostat, istat, opensdg)",
                    "method (eurostat, istat, opensdg)",
                ),
                _c("window", "string", "finestra (long, short...)", "window (long, short...)"),
                _c("start_year", "integer", "anno iniziale", "first year"),
                _c("end_year", "integer", "anno finale", "last year"),
                _c(
                    "cagr",
                    "number",
                    "tasso medio annuo di crescita (frazione)",
                    "compound annual growth rate (fraction)",
                ),
                _c(
                    "required_cagr",
                    "number",
                    "tasso necessario per il target",
                    "rate needed for the target",
                ),
                _c(
                    "ratio",
                    "number",
                    "rapporto tra tasso osservato e necessario",
                    "observed over required rate",
                ),
                _c("status", "string", "valutazione", "assessment"),
                INDICATOR_STATUS,
            ),
            _assessments,
            source_licences=_indicator_licences,
        ),
        Dataset(
            "compositi",
            "Indici compositi delle Missioni",
            "Composite indices of the Missions",
            "Indici compositi (AMPI, min-max, z-score) delle Missioni e dei nodi dell'Agenda.",
            "Composite indices (AMPI, min-max, z-score) of the Agenda's Missions and nodes.",
            "REGI",
            "ANNUAL",
            (
                _c("framework", "string", "quadro strategico", "framework"),
                _c("node", "string", "codice del nodo (Missione...)", "node code (Mission...)"),
                _c("territory", "string", "codice del territorio", "territory code"),
                _c("method", "string", "metodo", "method"),
                _c("year", "integer", "anno", "year"),
                _c("value", "number", "valore dell'indice", "index value"),
                _c("indicators", "integer", "indicatori usati", "indicators used"),
            ),
            _composites,
            source_licences=_indicator_licences,
        ),
        Dataset(
            "progetti",
            "Progetti e iniziative (PNRR, coesione)",
            "Projects and initiatives (PNRR, cohesion)",
            "Atlante dei progetti che attuano le Missioni: CUP, finanziamento, impegni, "
            "pagamenti, avanzamento.",
            "Atlas of the projects that carry out the Missions: CUP, funding, commitments, "
            "payments, progress.",
            "GOVE",
            "QUARTERLY",
            (
                _c("code", "string", "codice", "code"),
                _c("cup", "string", "Codice Unico di Progetto", "project code (CUP)"),
                _c("title", "string", "titolo", "title"),
                _c(
                    "origin",
                    "string",
                    "fonte dei fondi (PNRR, coesione...)",
                    "origin of funds (PNRR, cohesion...)",
                ),
                _c("status", "string", "stato", "status"),
                _c("programme_code", "string", "programma", "programme"),
                _c("pnrr_mission", "string", "missione PNRR", "PNRR mission"),
                _c("pnrr_component", "string", "componente PNRR", "PNRR component"),
                _c("pnrr_measure", "string", "misura PNRR", "PNRR measure"),
                _c("implementing_body", "string", "soggetto attuatore", "implementing body"),
                _c(
                    "total_funding", "number", "finanziamento totale (euro)", "total funding (euro)"
                ),
                _c("commitments", "number", "impegni (euro)", "commitments (euro)"),
                _c("payments", "number", "pagamenti (euro)", "payments (euro)"),
                _c("planned_start", "date", "inizio previsto", "planned start"),
                _c("planned_end", "date", "fine prevista", "planned end"),
                _c("progress", "integer", "avanzamento (%)", "progress (%)"),
                _c("source", "string", "fonte", "source"),
                STATUS,
            ),
            _projects,
            source_licences=_project_licences,
        ),
        Dataset(
            "reti",
            "Reti di organizzazioni",
            "Networks of organisations",
            "Reti inter-organizzative che attuano le Missioni e le loro organizzazioni aderenti.",
            "Inter-organisational networks that carry out the Missions and their members.",
            "GOVE",
            "IRREG",
            (
                _c("network", "string", "codice della rete", "network code"),
                _c("network_name", "string", "nome della rete", "network name"),
                _c("network_kind", "string", "tipo di rete", "network type"),
                _c("organisation", "string", "codice dell'organizzazione", "organisation code"),
                _c("organisation_name", "string", "nome dell'organizzazione", "organisation name"),
                _c("organisation_kind", "string", "tipo di organizzazione", "organisation type"),
                _c("role", "string", "ruolo nella rete", "role in the network"),
                _c("valid_from", "date", "adesione dal", "member from"),
                _c("valid_to", "date", "adesione fino al", "member until"),
                STATUS,
            ),
            _networks,
        ),
        Dataset(
            "matrici-coerenza",
            "Matrici di coerenza pubblicate",
            "Published coherence matrices",
            "Punteggi concordati (da -3 a +3) di come piani, politiche e azioni aiutano o "
            "ostacolano le Missioni e gli obiettivi nazionali e regionali.",
            "Agreed scores (-3 to +3) of how plans, policies and actions help or hinder the "
            "Missions and the national and regional goals.",
            "GOVE",
            "IRREG",
            (
                _c("matrix", "string", "codice della matrice", "matrix code"),
                _c("row_framework", "string", "quadro della riga", "row framework"),
                _c("row", "string", "nodo della riga", "row node"),
                _c("column_framework", "string", "quadro della colonna", "column framework"),
                _c("column", "string", "nodo della colonna", "column node"),
                _c("score", "integer", "punteggio concordato (-3..+3)", "agreed score (-3..+3)"),
                STATUS,
            ),
            _matrices,
        ),
        Dataset(
            "incontri",
            "Incontri e resoconti",
            "Meetings and summaries",
            "Incontri del Forum Missioni, della Cabina di regia e territoriali, con data, luogo, "
            "partecipanti e resoconto pubblicato (HTML).",
            "Meetings of the Forum Missioni, the steering committee and the territory, with "
            "date, place, attendance and published summary (HTML).",
            "GOVE",
            "IRREG",
            (
                _c("code", "string", "codice", "code"),
                _c("kind", "string", "tipo di incontro", "meeting type"),
                _c("title_it", "string", "titolo in italiano", "title in Italian"),
                _c("title_en", "string", "titolo in inglese", "title in English"),
                _c("process", "string", "processo partecipativo", "participatory process"),
                _c("starts_at", "datetime", "inizio (UTC)", "start (UTC)"),
                _c(
                    "time_known",
                    "boolean",
                    "orario noto (falso = solo il giorno)",
                    "time known (false = day only)",
                ),
                _c("place", "string", "luogo", "place"),
                _c("comune", "string", "comune (codice ISTAT)", "comune (ISTAT code)"),
                _c("attendance", "integer", "partecipanti", "attendance"),
                _c(
                    "summary_published_at",
                    "datetime",
                    "resoconto pubblicato il",
                    "summary published on",
                ),
                _c(
                    "summary",
                    "string",
                    "resoconto (HTML, vuoto se non pubblicato)",
                    "summary (HTML, empty if not published)",
                ),
                STATUS,
            ),
            _meetings,
        ),
    )
}
