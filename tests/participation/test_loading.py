"""Loading a participation file: references checked against the database, all-or-nothing,
matched by code (a second load changes nothing), questions protected once answered, and the
command line. Every row the tests need is built here (factories), not taken from the demo."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from territori.core.models import AuditEntry
from territori.participation.models import (
    AgendaItem,
    Body,
    Meeting,
    Process,
    Question,
    Questionnaire,
)
from territori.participation.services.loading import participation_import
from territori.participation.services.questionnaires import response_record, response_validate
from territori.territories.models import Territory
from tests.factories import FrameworkFactory, NodeFactory, OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

HOME = "T-HOME"


@pytest.fixture
def place(settings: Any) -> dict[str, Any]:
    """A home metropolitan city of its own with a zone and a comune; a framework with the
    role the file names; two organisations."""
    settings.TERRITORI_HOME_TERRITORY = HOME
    home = TerritoryFactory(code=HOME, kind=Territory.Kind.METRO_CITY, name="Città di prova")
    zone = TerritoryFactory(code="T-ZO7", kind=Territory.Kind.ZONA, number=7, parent=home)
    comune = TerritoryFactory(code="T00042", name="Borgo Prova", parent=home)
    framework = FrameworkFactory(code="agenda-prova")
    node = NodeFactory(framework=framework, code="M1")
    return {
        "zone": zone,
        "comune": comune,
        "node": node,
        "lead": OrganisationFactory(code="ente-capofila"),
        "other": OrganisationFactory(code="ente-aderente"),
    }


FILE = """\
processes:
- code: percorso-prova
  title_it: Percorso di prova
  nodes: [agenda-prova:M1]
  phases:
  - {title_it: Ascolto, start: 2030-01-01, end: 2030-06-30, meetings_open: true}
bodies:
- code: tavolo-prova
  kind: forum
  name_it: Tavolo di prova
  process: percorso-prova
  members:
  - {organisation: ente-capofila, role: facilitator}
  - {organisation: ente-aderente}
meetings:
- code: incontro-prova
  kind: lab
  title_it: Laboratorio di prova
  process: percorso-prova
  phase: 1
  body: tavolo-prova
  starts_at: 2030-03-01 14:30
  ends_at: 2030-03-01 17:00
  comune: Borgo Prova
  zone: 7
  latitude: 45.1234567
  longitude: 7.5
  nodes: [agenda-prova:M1]
  attending: [members]
  agenda:
  - {title_it: Accoglienza, duration: 20}
  - {title_it: Tavoli, duration: 100}
questionnaires:
- code: questionario-prova
  title_it: Questionario di prova
  process: percorso-prova
  opens_at: 2030-01-01 00:00
  closes_at: 2030-12-31 23:59
  questions:
  - {code: visto, kind: single, text_it: "Sei venuto?", options: [Si, "No"], required: true}
  - {code: voto, kind: scale, text_it: "Quanto?", show_if: {question: visto, values: [Si]}}
"""


def load(text: str = FILE, **options: Any) -> Any:
    return participation_import(data=text.encode(), channel="test", **options)


def test_a_file_loads_every_record_with_its_references(place: dict[str, Any]):
    report = load()
    assert report.errors == []
    assert report.created == {
        "process": 1,
        "processphase": 1,
        "body": 1,
        "bodymember": 2,
        "meeting": 1,
        "questionnaire": 1,
        "question": 2,
    }
    meeting = Meeting.objects.get(code="incontro-prova")
    assert meeting.starts_at == dt.datetime(
        2030, 3, 1, 14, 30, tzinfo=timezone.get_current_timezone()
    )
    assert meeting.comune == place["comune"] and meeting.zone == place["zone"]
    assert meeting.phase is not None and meeting.phase.title_it == "Ascolto"
    assert str(meeting.latitude) == "45.123457"  # the column's six decimals
    assert list(meeting.nodes.all()) == [place["node"]]
    assert set(meeting.attending_organisations.all()) == {place["lead"], place["other"]}
    assert [(a.position, a.title_it, a.duration) for a in meeting.agenda.all()] == [
        (1, "Accoglienza", 20),
        (2, "Tavoli", 100),
    ]
    body = Body.objects.get(code="tavolo-prova")
    assert body.process == Process.objects.get(code="percorso-prova")
    assert body.members.get(organisation=place["lead"]).role == "facilitator"
    voto = Question.objects.get(code="voto")
    assert voto.show_if_question == Question.objects.get(code="visto")
    assert voto.show_if_values == ["Si"]
    assert AuditEntry.objects.filter(channel="test", action="create").count() == 9


def test_loading_again_changes_nothing_and_a_change_updates_in_place(place: dict[str, Any]):
    load()
    again = load()
    assert again.errors == [] and again.changes == 0
    meeting_id = Meeting.objects.get(code="incontro-prova").pk
    changed = load(FILE.replace("title_it: Laboratorio di prova", "title_it: Laboratorio nuovo"))
    assert changed.updated == {"meeting": 1} and not changed.created
    assert Meeting.objects.get(pk=meeting_id).title_it == "Laboratorio nuovo"
    assert AgendaItem.objects.filter(meeting_id=meeting_id).count() == 2


@pytest.mark.parametrize(
    ("replace", "by", "line", "field", "reason"),
    [
        (
            "nodes: [agenda-prova:M1]\n  phases",
            "nodes: [agenda-prova:M9]\n  phases",
            2,
            "processes[1].nodes",
            "no such framework node",
        ),
        (
            "{organisation: ente-aderente}",
            "{organisation: ente-ignoto}",
            14,
            "bodies[1].members[2].organisation",
            "no such organisation",
        ),
        ("comune: Borgo Prova", "comune: Borgo Ignoto", 16, "meetings[1].comune", "not a comune"),
        ("zone: 7", "zone: 8", 16, "meetings[1].zone", "no zona omogenea"),
        ("kind: lab", "kind: party", 16, "meetings[1].kind", "party"),
        ("kind: scale", "kind: dice", 41, "questionnaires[1].questions[2].kind", "dice"),
        (
            "  process: percorso-prova\n  phase: 1",
            "  process: altro-percorso\n  phase: 1",
            16,
            "meetings[1].process",
            "no such process",
        ),
    ],
)
def test_a_wrong_reference_or_choice_is_named_and_nothing_is_written(
    place: dict[str, Any], replace: str, by: str, line: int, field: str, reason: str
):
    assert replace in FILE
    before = (Process.objects.count(), Meeting.objects.count(), AuditEntry.objects.count())
    report = load(FILE.replace(replace, by, 1))
    assert report.changes == 0
    matching = [e for e in report.errors if e.field.startswith(field)]
    assert matching, report.errors
    assert reason in matching[0].message or reason in matching[0].value, matching[0]
    assert matching[0].row == line, matching[0]
    assert (Process.objects.count(), Meeting.objects.count(), AuditEntry.objects.count()) == before


def test_the_questions_of_an_answered_questionnaire_cannot_change(place: dict[str, Any]):
    load()
    questionnaire = Questionnaire.objects.get(code="questionario-prova")
    questions = list(questionnaire.questions.order_by("position"))
    response_record(
        questionnaire=questionnaire,
        respondent="carta-1",
        validated=response_validate(questions=questions, raw={"visto": ["No"]}),
        submitted_at=timezone.make_aware(dt.datetime(2030, 2, 1, 12)),
    )
    same = load()
    assert same.errors == [] and same.changes == 0
    changed = load(FILE.replace('text_it: "Quanto?"', 'text_it: "Quanto ti piace?"'))
    assert [(e.field, e.message) for e in changed.errors] == [
        ("questionnaires[1].questions", "people have answered: the questions cannot change")
    ]
    assert questionnaire.responses.count() == 1
    assert Question.objects.get(code="voto").text_it == "Quanto?"


def test_a_dry_run_reports_and_keeps_nothing(place: dict[str, Any]):
    report = load(dry_run=True)
    assert report.errors == [] and report.created["meeting"] == 1
    assert not Meeting.objects.filter(code="incontro-prova").exists()


def test_the_command_loads_a_file_and_names_each_problem(place: dict[str, Any], tmp_path: Any):
    good = tmp_path / "percorso.yaml"
    good.write_text(FILE, encoding="utf-8")
    call_command("import_participation", str(good), stdout=(out := __import__("io").StringIO()))
    assert "meeting: 1 created, 0 updated" in out.getvalue()
    bad = tmp_path / "sbagliato.yaml"
    bad.write_text(FILE.replace("zone: 7", "zone: 8"), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_participation", str(bad))
    message = str(raised.value)
    assert "sbagliato.yaml: 1 problem(s), nothing was written" in message
    assert "row 16, field 'meetings[1].zone': no zona omogenea with this number" in message
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_participation", str(tmp_path / "assente.yaml"))


@override_settings(LANGUAGE_CODE="en")
def test_a_response_from_outside_is_dated_within_the_questionnaire(place: dict[str, Any]):
    from territori.participation.services.common import ParticipationError

    load()
    questionnaire = Questionnaire.objects.get(code="questionario-prova")
    validated = response_validate(
        questions=list(questionnaire.questions.all()), raw={"visto": ["Si"], "voto": ["4"]}
    )
    with pytest.raises(ParticipationError):
        response_record(
            questionnaire=questionnaire,
            respondent="carta-2",
            validated=validated,
            submitted_at=timezone.make_aware(dt.datetime(2031, 1, 1)),
        )
    response = response_record(
        questionnaire=questionnaire,
        respondent="carta-2",
        validated=validated,
        submitted_at=timezone.make_aware(dt.datetime(2030, 5, 1)),
    )
    assert {a.question.code: a.value for a in response.answers.select_related("question")} == {
        "visto": {"choices": ["Si"]},
        "voto": 4,
    }
    assert response.user is None and response.respondent_key == "offline-carta-2"


def test_an_issue_sent_before_the_site_is_archived_without_emailing_anyone(
    place: dict[str, Any], mailoutbox: Any
):
    from territori.participation.models import NewsletterIssue
    from territori.participation.services.common import ParticipationError
    from territori.participation.services.newsletter import (
        BlockData,
        issue_archive,
        issue_create,
    )

    number = (
        NewsletterIssue.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    issue = issue_create(
        number=number,
        subject_it="Numero di prova",
        blocks=[BlockData(heading_it="Editoriale", text_it="Testo di prova.")],
    )
    assert issue.status == NewsletterIssue.Status.DRAFT
    assert [b.heading_it for b in issue.blocks.all()] == ["Editoriale"]
    with pytest.raises(ParticipationError):
        issue_create(number=number, subject_it="Doppio")
    sent_at = timezone.make_aware(dt.datetime(2025, 3, 1, 9))
    issue_archive(issue=issue, sent_at=sent_at)
    issue.refresh_from_db()
    assert (issue.status, issue.sent_at, issue.recipients) == ("sent", sent_at, 0)
    assert issue.content["blocks"][0]["heading"]["it"] == "Editoriale"
    assert mailoutbox == []
    with pytest.raises(ParticipationError):
        issue_archive(issue=issue, sent_at=sent_at)


def test_a_contact_point_keeps_the_consent_its_organisation_gave(place: dict[str, Any]):
    from django.core.exceptions import ValidationError

    from territori.participation.models import ConsentRecord
    from territori.participation.services.common import contact_point_add

    given = timezone.make_aware(dt.datetime(2026, 1, 10, 9))
    contact = contact_point_add(
        organisation=place["lead"],
        function="Segreteria",
        email="segreteria@ente.invalid",
        consent_text="L'ente accetta di essere invitato.",
        given_at=given,
    )
    consent = ConsentRecord.objects.get(contact=contact)
    assert (consent.purpose, consent.text, consent.given_at) == (
        ConsentRecord.Purpose.CONTACT,
        "L'ente accetta di essere invitato.",
        given,
    )
    with pytest.raises(ValidationError):
        contact_point_add(
            organisation=place["lead"],
            function="Segreteria",
            email="non-un-indirizzo",
            consent_text="x",
            given_at=given,
        )


def _copy(suffix: str) -> str:
    """FILE with codes of its own (the same references to the database)."""
    text = FILE
    for code in ("percorso-prova", "tavolo-prova", "incontro-prova", "questionario-prova"):
        text = text.replace(code, f"{code}-{suffix}")
    return text


def _queries(text: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        report = load(text)
    assert report.errors == []
    return len(captured)


def test_a_file_costs_the_same_however_much_the_database_holds(place: dict[str, Any]):
    """The loader looks up what a file names, never everything stored: a file's queries do not
    grow with the processes, meetings and questionnaires already loaded (new or unchanged)."""
    new, again = _queries(_copy("a")), _queries(_copy("a"))
    for suffix in "bcdefghij":
        load(_copy(suffix))
    assert Meeting.objects.count() == 10
    assert (_queries(_copy("k")), _queries(_copy("k"))) == (new, again)
