"""The Agenda's programme: budget, timeline, outputs, spending, and the funder's report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.io.tabular import write_csv, write_xlsx
from territori.participation.services.common import absolute_url
from territori.portal.evidence import Evidence, resolve_evidence
from territori.presentation.charts import chart_block, gantt_chart, spending_chart
from territori.presentation.pdf import pdf_response
from territori.programme import selectors as programme_selectors
from territori.programme.models import Programme
from territori.programme.selectors import Overview, month_after, programme_overview

DATA_HEADER = [
    "azione",
    "titolo",
    "inizio",
    "fine",
    "mese_inizio",
    "mese_fine",
    "personale_interno",
    "acquisto_servizi",
    "spese_generali",
    "totale",
    "quota_mase",
    "quota_cm",
    "speso_mase",
    "speso_cm",
    "speso_totale",
    "quota_spesa_pct",
]


def _today(request: HttpRequest) -> dt.date:
    return timezone.localdate()


def programme_index(request: HttpRequest) -> HttpResponse:
    programme = programme_selectors.latest_programme()
    if programme is None:
        raise Http404(_("No programme has been loaded."))
    return redirect("portal:programme", code=programme.code)


def _rows(overview: Overview) -> list[list[object]]:
    return [
        [
            r.action.code,
            r.action.title,
            r.action.start.strftime("%Y-%m"),
            r.action.end.strftime("%Y-%m"),
            r.start_month,
            r.end_month,
            r.action.personale_interno,
            r.action.acquisto_servizi,
            r.action.spese_generali,
            r.action.total,
            r.action.mase,
            r.action.cm,
            r.spent["mase"],
            r.spent["cm"],
            r.spent_total,
            r.share_spent,
        ]
        for r in overview.rows
    ]


def _evidence(overview: Overview) -> dict[str, Evidence]:
    return resolve_evidence(
        line for r in overview.rows for o in r.action.outputs.all() for line in o.evidence_lines
    )


def _evidence_text(line: str, evidence: dict[str, Evidence]) -> str:
    """An evidence line for the funder's spreadsheet: the title of what it points to and its
    full address."""
    item = evidence.get(line)
    address = absolute_url(path=line) if line.startswith("/") else line
    if item is None or not item.kind:
        return address
    demo = f" ({_('demo data')})" if item.illustrative else ""
    return f"{item.text} [{item.kind}{demo}] {address}"


def programme_detail(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    overview = programme_overview(programme=programme, today=_today(request))
    data_url = reverse("portal:programme_data", kwargs={"code": code})
    bars = [
        {
            "action": r.action.code,
            "title": r.action.title,
            "start": r.action.start.isoformat(),
            "end": month_after(r.action.end).isoformat(),
            "months": f"M{r.start_month}–M{r.end_month}",
        }
        for r in overview.rows
    ]
    spending = []
    for r in overview.rows:
        spending.append(
            {"action": r.action.code, "kind": _("budget"), "value": float(r.action.total)}
        )
        spending.append(
            {"action": r.action.code, "kind": _("spent"), "value": float(r.spent_total)}
        )
    context: dict[str, Any] = {
        "programme": programme,
        "overview": overview,
        "data_url": data_url,
        "charts": {
            "gantt": chart_block(
                gantt_chart(
                    bars=bars,
                    order=[r.action.code for r in overview.rows],
                    today=_today(request).isoformat(),
                    description=_(
                        "Timeline of the programme's actions by month, with today's date."
                    ),
                ),
                chart_id="chart-gantt",
                csv_url=data_url,
                title=_("Timeline (M1 = %(month)s)") % {"month": programme.start.strftime("%m/%Y")},
            ),
            "spending": chart_block(
                spending_chart(
                    rows=spending,
                    order=[r.action.code for r in overview.rows],
                    description=_("Budget and actual spending of each action, in euro."),
                ),
                chart_id="chart-spending",
                csv_url=data_url,
                title=_("Spending against budget"),
            ),
        },
        "expenses_recorded": programme_selectors.has_expenses(programme=programme),
        "evidence": _evidence(overview),
    }
    return render(request, "portal/programme.html", context)


def programme_data(request: HttpRequest, code: str) -> HttpResponse:
    programme = get_object_or_404(Programme, code=code)
    overview = programme_overview(programme=programme, today=_today(request))
    response = HttpResponse(
        write_csv(DATA_HEADER, _rows(overview)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-azioni.csv"'
    return response


def programme_report(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The progress report for the funder: budget, spending, outputs, as Excel or PDF."""
    programme = get_object_or_404(Programme, code=code)
    overview = programme_overview(programme=programme, today=_today(request))
    if fmt == "xlsx":
        outputs: list[list[object]] = [["azione", "output", "stato", "scadenza", "evidenze"]]
        evidence = _evidence(overview)
        for r in overview.rows:
            for o in r.action.outputs.all():
                outputs.append(
                    [
                        r.action.code,
                        o.title,
                        o.get_status_display(),
                        o.due.isoformat() if o.due else "",
                        "\n".join(_evidence_text(line, evidence) for line in o.evidence_lines),
                    ]
                )
        expenses: list[list[object]] = [
            ["azione", "data", "finanziatore", "voce", "importo", "descrizione", "riferimento"]
        ]
        for e in programme_selectors.programme_expenses(programme=programme):
            expenses.append(
                [
                    e.action.code,
                    e.date.isoformat(),
                    e.get_funder_display(),
                    e.get_cost_item_display(),
                    e.amount,
                    e.description,
                    e.reference,
                ]
            )
        totals = overview.totals
        budget: list[list[object]] = [
            list(DATA_HEADER),
            *_rows(overview),
            [
                "TOTALE",
                "",
                "",
                "",
                "",
                "",
                totals["personale_interno"],
                totals["acquisto_servizi"],
                totals["spese_generali"],
                totals["total"],
                totals["mase"],
                totals["cm"],
                totals["spent_mase"],
                totals["spent_cm"],
                totals["spent"],
                "",
            ],
        ]
        about: list[list[object]] = [
            ["campo", "valore"],
            ["programma", programme.title_it],
            ["fonte", programme.source],
            ["data del rapporto", _today(request).isoformat()],
            ["mese del programma", f"M{overview.today_month} di {programme.months}"],
        ]
        body = write_xlsx(
            {"budget e spesa": budget, "output": outputs, "spese": expenses, "rapporto": about}
        )
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{code}-rapporto.xlsx"'
        return response
    if fmt == "pdf":
        context = {
            "programme": programme,
            "overview": overview,
            "today": _today(request),
            "evidence": _evidence(overview),
        }
        return pdf_response(
            request, "portal/programme_report_print.html", context, f"{code}-rapporto.pdf"
        )
    raise Http404(_("Unknown format"))
