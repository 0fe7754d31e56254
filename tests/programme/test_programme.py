"""The Agenda's programme: the proposal's budget to the euro, validation, pages and reports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import yaml
from django.contrib.auth.models import Group, User

from territori.core.models import AuditEntry
from territori.core.roles import ANALYST, EDITOR, roles_ensure
from territori.demo.files import demo_file
from territori.frameworks.services import framework_file_import
from territori.io.errors import InputValidationError
from territori.programme.models import Action, Expense, Output, Programme
from territori.programme.services import programme_load, programme_parse
from tests.conftest import count_queries, skip_or_fail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _proposal() -> None:
    """The 2024 proposal (reference/proposta-2024.yaml, real): its framework and its programme,
    loaded through the importers as the demo does, and the roles."""
    roles_ensure()
    framework_file_import(data=demo_file(name="proposta-2024.yaml"), filename="proposta.yaml")
    programme_load(
        data=demo_file(name="programma-2024.yaml"),
        code="proposta-2024",
        title_it="Programma della proposta 2024",
    )


def test_the_programme_reproduces_the_proposal_table_exactly() -> None:
    programme = Programme.objects.get(code="proposta-2024")
    actions = list(Action.objects.filter(programme=programme))
    assert len(actions) == 11
    assert sum(a.total for a in actions) == Decimal(259571)
    assert sum(a.mase for a in actions) == Decimal(166666)
    assert sum(a.cm for a in actions) == Decimal(92905)
    assert sum(a.personale_interno for a in actions) == Decimal(75752)
    assert sum(a.acquisto_servizi for a in actions) == Decimal(177819)
    assert sum(a.spese_generali for a in actions) == Decimal(6000)
    forum = Action.objects.get(code="1.1.d")
    assert (forum.total, forum.mase, forum.cm) == (Decimal(96920), Decimal(71009), Decimal(25911))
    assert forum.node is not None and forum.node.framework.code == "proposta-2024"
    assert Output.objects.filter(action=forum).count() == 4
    assert (
        programme.month_number(dt.date(2024, 9, 1)),
        programme.month_number(dt.date(2026, 2, 1)),
    ) == (1, 18)


def test_reloading_changes_nothing() -> None:
    entries = AuditEntry.objects.count()
    assert programme_load(
        data=demo_file(name="programma-2024.yaml"), code="proposta-2024", title_it="x"
    ) == (0, 0)
    assert AuditEntry.objects.count() == entries


def broken(change) -> bytes:
    document = yaml.safe_load(demo_file(name="programma-2024.yaml"))
    change(document["proposal"])
    return yaml.safe_dump(document, allow_unicode=True).encode()


@pytest.mark.parametrize(
    ("change", "row", "field", "message"),
    [
        (
            lambda p: p["actions"][2]["budget"].update(total=96921),
            3,
            "budget.total",
            "action 1.1.d: the cost items add up to 96920, not 96921",
        ),
        (
            lambda p: p["actions"][0]["budget"].update(cm=1571),
            1,
            "budget.cm",
            "action 1.1.b: the funders' shares add up to 1621, not 1620",
        ),
        (lambda p: p["actions"][1].update(code="1.1.b"), 2, "code", "duplicate (also action 1)"),
        (lambda p: p["actions"][4].update(start="2025-13"), 5, "start", "not a month (YYYY-MM)"),
        (
            lambda p: p["actions"][4].update(end="2026-06"),
            5,
            "start",
            "outside the programme's months M1-M18",
        ),
        (
            lambda p: p["totals"].update(mase=166667),
            0,
            "totals.mase",
            "the actions add up to 166666, not 166667",
        ),
        (
            lambda p: p["actions"][3]["budget"].update(spese_generali="molto"),
            4,
            "budget.spese_generali",
            "not an amount",
        ),
    ],
)
def test_bad_programme_files_name_the_action_and_field(change, row, field, message) -> None:
    _fields, _actions, errors = programme_parse(broken(change))
    assert any(e.row == row and e.field == field and message in e.message for e in errors), errors
    before = Action.objects.count()
    with pytest.raises(InputValidationError):
        programme_load(data=broken(change), code="altro", title_it="Altro")
    assert Action.objects.count() == before and not Programme.objects.filter(code="altro").exists()


@pytest.fixture
def expenses() -> list[Expense]:
    forum = Action.objects.get(code="1.1.d")
    return [
        Expense.objects.create(
            action=forum,
            funder="mase",
            cost_item="acquisto_servizi",
            date=dt.date(2025, 3, 1),
            amount=Decimal("12000.50"),
            description="facilitazione",
        ),
        Expense.objects.create(
            action=forum,
            funder="cm",
            cost_item="personale_interno",
            date=dt.date(2025, 4, 1),
            amount=Decimal("3000"),
            description="personale",
        ),
    ]


def test_page_shows_totals_timeline_outputs_and_spending(client, expenses) -> None:
    assert client.get("/programma/").status_code == 302
    text = client.get("/en/programma/proposta-2024/").content.decode()
    assert 'id="chart-gantt"' in text and 'id="chart-spending"' in text
    assert 'id="programme-total">259,571<' in text and 'id="programme-mase">166,666<' in text
    assert 'id="programme-cm">92,905<' in text
    assert "Accordo di collaborazione ex art. 15 l. 241/90" in text
    # the proposal is in Italian only: its titles say so to English readers' screen readers
    assert '<td lang="it">Newsletter bimestrale</td>' in text
    assert '<span class="small fw-normal" lang="it">I Laboratori del Forum' in text
    assert "15,001 (15 %)" in text  # 12,000.50 + 3,000 of 96,920
    assert "12,001 / 3,000" in text  # by funder
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/programma/proposta-2024/azioni.csv").content.decode())
        )
    )
    forum = next(r for r in rows if r["azione"] == "1.1.d")
    assert Decimal(forum["speso_totale"]) == Decimal("15000.50") and forum["mese_fine"] == "18"


def test_funder_report_excel_and_pdf(client, expenses) -> None:
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/programma/proposta-2024/rapporto.xlsx").content)
    )
    assert book.sheetnames == ["budget e spesa", "output", "spese", "rapporto"]
    last = [c.value for c in book["budget e spesa"][13]]
    assert last[0] == "TOTALE" and float(last[9]) == 259571 and float(last[14]) == 15000.5
    assert book["spese"].max_row == 3
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        skip_or_fail(f"WeasyPrint cannot load its libraries: {exc}")
    pdf = client.get("/programma/proposta-2024/rapporto.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf.content))
    assert "259.571" in reader.pages[0].extract_text()
    assert client.get("/programma/proposta-2024/rapporto.doc").status_code == 404


def test_page_query_count_does_not_grow(client, expenses) -> None:
    def count() -> tuple[int, int]:
        return (
            count_queries(client, "/programma/proposta-2024/"),
            count_queries(client, "/programma/proposta-2024/azioni.csv"),
        )

    before = count()
    for action in Action.objects.all():
        Output.objects.create(action=action, title="in più")
        Expense.objects.create(
            action=action,
            funder="cm",
            cost_item="spese_generali",
            date=dt.date(2025, 5, 1),
            amount=Decimal(1),
            description="x",
        )
    assert count() == before


def test_who_records_outputs_and_expenses() -> None:
    analyst = User.objects.create_user("analyst-prog")
    analyst.groups.add(Group.objects.get(name=ANALYST))
    editor = User.objects.create_user("editor-prog")
    editor.groups.add(Group.objects.get(name=EDITOR))
    assert analyst.has_perm("programme.change_output") and analyst.has_perm("programme.add_expense")
    assert not analyst.has_perm("programme.change_action")  # the budget comes from the proposal
    assert not editor.has_perm("programme.add_expense")


def test_import_programme_command(tmp_path) -> None:
    import io as _io

    from django.core.management import CommandError, call_command

    good = tmp_path / "programma.yaml"
    good.write_bytes(demo_file(name="programma-2024.yaml"))
    out = _io.StringIO()
    call_command("import_programme", str(good), "--code", "prova", "--title", "Prova", stdout=out)
    assert "prova: 11 actions created, 0 updated" in out.getvalue()
    assert Action.objects.filter(programme__code="prova").count() == 11
    bad = tmp_path / "rotto.yaml"
    bad.write_bytes(broken(lambda p: p["actions"].append("non un'azione")))
    with pytest.raises(CommandError, match="row 12, field 'actions': not an action"):
        call_command("import_programme", str(bad), "--code", "rotto", "--title", "Rotto")
    assert not Programme.objects.filter(code="rotto").exists()
    bad.write_text("altro: 1\n")
    with pytest.raises(CommandError, match="the file has no 'proposal' section"):
        call_command(
            "import_programme", str(bad), "--code", "rotto", "--title", "Rotto", "--dry-run"
        )


def test_outputs_are_late_after_their_due_date_or_their_action_s_end() -> None:
    from territori.programme.selectors import programme_overview

    programme = Programme.objects.get(code="proposta-2024")
    forum = Action.objects.get(code="1.1.d")
    first, second, *_rest = Output.objects.filter(action=forum)
    Output.objects.filter(pk=first.pk).update(due=dt.date(2025, 1, 1))
    Output.objects.filter(pk=second.pk).update(due=dt.date(2025, 1, 1), status="done")
    # M7 (March 2025): only the first output is late (the second is done, the others are due
    # at the end of their action)
    early = programme_overview(programme=programme, today=dt.date(2025, 3, 1))
    assert not early.past_end
    expected = {first.pk} | {
        o.pk
        for o in Output.objects.filter(due__isnull=True).select_related("action")
        if dt.date(o.action.end.year + o.action.end.month // 12, o.action.end.month % 12 + 1, 1)
        <= dt.date(2025, 3, 1)
    }
    assert early.late_ids == expected
    # December 2026: ten months after the eighteenth (last) month, every output not done is late
    late = programme_overview(programme=programme, today=dt.date(2026, 12, 4))
    assert late.past_end and late.months_past_end == 10
    assert late.late_ids == set(Output.objects.exclude(status="done").values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("today", "past"), [(dt.date(2026, 12, 4), True), (dt.date(2025, 3, 1), False)]
)
def test_the_page_says_when_the_programme_is_past_its_end(
    client, monkeypatch: pytest.MonkeyPatch, today: dt.date, past: bool
) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    text = client.get("/en/programma/proposta-2024/").content.decode()
    assert ('id="programme-past-end"' in text) is past
    if past:
        assert "It is 10 months past its end." in text
        late = Output.objects.exclude(status="done").count()
        assert f"{late} outputs are not reported done" in text
        assert text.count(">late</span>") == late
    else:
        assert "today is month M7" in text


def _evidence_cell(client, title: str, language: str = "/en") -> str:
    page = client.get(f"{language}/programma/proposta-2024/").content.decode()
    table = page.split('id="programme-outputs"')[1].split("</table>")[0]
    return table.split(title)[1].split("</tr>")[0].rsplit("<td>", 1)[1]


def test_outputs_link_to_their_evidence_in_the_platform(client) -> None:
    from territori.core.models import DataStatus
    from territori.participation.models import NewsletterIssue
    from territori.publication.models import Report
    from tests.factories import MeetingFactory

    MeetingFactory(
        code="forum-conferenza",
        title_it="Conferenza del Forum",
        kind="conference",
        data_status=DataStatus.CONFIRMED,
    )
    NewsletterIssue.objects.create(
        number=3, subject_it="Newsletter di marzo", data_status=DataStatus.ILLUSTRATIVE
    )
    Report.objects.create(
        year=2025,
        title_it="Rapporto 2025",
        published=True,
        state="done",
        data_status=DataStatus.CONFIRMED,
    )
    output = Output.objects.get(action__code="3.1.c", title="Newsletter bimestrale")
    output.evidence = "\n".join(
        [
            "/en/partecipa/newsletter/3/",  # an issue, by its English address
            "/partecipa/incontri/forum-conferenza/",
            "/rapporto/2025/#sintesi",
            "/partecipa/incontri/non-esiste/",  # an address that finds nothing
            "https://example.org/verbale.pdf",
            "Verbale protocollato n. 12",
        ]
    )
    output.save()
    cell = _evidence_cell(client, "Newsletter bimestrale")
    assert '<a href="/en/partecipa/newsletter/3/">Newsletter di marzo</a>' in cell
    assert "(newsletter issue)" in cell and "demo data" in cell  # the issue is illustrative
    assert '<a href="/partecipa/incontri/forum-conferenza/">Conferenza del Forum</a>' in cell
    assert "(meeting)" in cell and '<a href="/rapporto/2025/#sintesi">Rapporto 2025</a>' in cell
    assert cell.count("demo data") == 1  # the meeting and the report are real
    assert '<a href="/partecipa/incontri/non-esiste/">/partecipa/incontri/non-esiste/</a>' in cell
    assert '<a href="https://example.org/verbale.pdf">' in cell
    assert "Verbale protocollato n. 12" in cell and 'href="Verbale' not in cell
    assert "(numero della newsletter)" in _evidence_cell(client, "Newsletter bimestrale", "")

    # the funder's spreadsheet names what each address shows, with its full address
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/programma/proposta-2024/rapporto.xlsx").content)
    )
    row = next(r for r in book["output"].iter_rows(values_only=True) if r[1] == output.title)
    assert "Newsletter di marzo [numero della newsletter (dato dimostrativo)] http" in row[4]
    assert "/partecipa/newsletter/3/" in row[4] and "Verbale protocollato n. 12" in row[4]


def test_evidence_costs_one_query_per_type_however_many_lines(client) -> None:
    from territori.participation.models import NewsletterIssue

    for number in range(1, 8):
        NewsletterIssue.objects.create(number=number, subject_it=f"Numero {number}")
    outputs = list(Output.objects.order_by("pk")[:6])

    def link(count: int) -> None:
        for output in outputs:
            output.evidence = "\n".join(f"/partecipa/newsletter/{n}/" for n in range(1, count + 1))
            output.save()

    link(1)
    before = count_queries(client, "/programma/proposta-2024/")
    link(7)
    assert count_queries(client, "/programma/proposta-2024/") == before


def test_the_demo_links_outputs_without_replacing_the_staff_s_evidence() -> None:
    from territori.demo.publication import demo_programme_evidence
    from territori.publication.models import Report
    from tests.factories import MeetingFactory

    MeetingFactory(code="forum-2024-11-28", kind="conference")
    Report.objects.create(year=2025, title_it="Rapporto 2025", published=True, state="done")
    Output.objects.filter(title="Newsletter bimestrale").update(evidence="Scritto dallo staff")
    assert demo_programme_evidence(programme_code="proposta-2024") == 2
    evidence = dict(Output.objects.values_list("title", "evidence"))
    assert evidence["Conferenze del Forum Missioni"] == "/partecipa/incontri/forum-2024-11-28/"
    assert evidence["Pubblicazione dei risultati e infografiche"] == "/rapporto/2025/"
    assert evidence["Newsletter bimestrale"] == "Scritto dallo staff"
    assert demo_programme_evidence(programme_code="proposta-2024") == 0  # loaded again
