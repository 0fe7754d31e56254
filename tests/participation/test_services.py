"""Participation services: registration and waiting list, check-in, contributions and their
workflow, supports, moderation, questionnaires with skip logic, newsletter, privacy, iCal."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from territori.io.ical import Event, calendar, fold
from territori.participation import privacy, selectors, services
from territori.participation.models import (
    ConsentRecord,
    Contribution,
    LoginFailure,
    Meeting,
    Process,
    Question,
    Questionnaire,
    Registration,
    Subscriber,
)
from territori.participation.services import newsletter
from territori.participation.services import questionnaires as qs
from tests.worlds import CLOSED, FORUM, OPEN, PDF, QUESTIONNAIRE, Forum, participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


#: A participant account (NAME@example.org) with a verified address unless told otherwise.
make_user = participant


def make_meeting(capacity: int | None = 2, **fields: Any) -> Meeting:
    start = timezone.now() + dt.timedelta(days=10)
    return Meeting.objects.create(
        code=fields.pop("code", "test-meeting"),
        kind="lab",
        title_it="Laboratorio di prova",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        registration_required=True,
        capacity=capacity,
        **fields,
    )


def test_capacity_waiting_list_and_promotion_on_cancel(
    django_capture_on_commit_callbacks: Any,
) -> None:
    meeting = make_meeting(capacity=2)
    users = [make_user(f"p{i}") for i in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        regs = [services.meeting_register(meeting=meeting, user=u) for u in users]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waiting", "waiting"]
    assert len({r.code for r in regs}) == 4
    # the confirmed get an iCal attachment; the waiting list a plain notice
    confirmed_mail = next(m for m in mail.outbox if m.to == [users[0].email])
    assert confirmed_mail.attachments[0][0] == "test-meeting.ics"
    assert "BEGIN:VEVENT" in confirmed_mail.attachments[0][1]
    assert not next(m for m in mail.outbox if m.to == [users[2].email]).attachments
    with pytest.raises(services.ParticipationError):
        services.meeting_register(meeting=meeting, user=users[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.registration_cancel(registration=regs[0])
    assert promoted is not None and promoted.pk == regs[2].pk
    statuses = dict(Registration.objects.filter(meeting=meeting).values_list("user_id", "status"))
    assert statuses == {
        users[0].pk: "cancelled",
        users[1].pk: "confirmed",
        users[2].pk: "confirmed",
        users[3].pk: "waiting",
    }
    assert mail.outbox[0].to == [users[2].email] and mail.outbox[0].attachments
    # registering again after cancelling reuses the row and joins the queue's end
    again = services.meeting_register(meeting=meeting, user=users[0])
    assert again.pk == regs[0].pk and again.status == "waiting"


def test_registration_closed_when_past_or_not_required() -> None:
    user = make_user("late")
    past = make_meeting(code="past")
    past.starts_at = timezone.now() - dt.timedelta(hours=1)
    past.save()
    with pytest.raises(services.ParticipationError, match="closed"):
        services.meeting_register(meeting=past, user=user)
    free = make_meeting(code="free", capacity=None)
    free.registration_required = False
    free.save()
    with pytest.raises(services.ParticipationError, match="closed"):
        services.meeting_register(meeting=free, user=user)


def test_check_in_by_code() -> None:
    meeting = make_meeting(capacity=1)
    first, second = make_user("a"), make_user("b")
    ok = services.meeting_register(meeting=meeting, user=first)
    waiting = services.meeting_register(meeting=meeting, user=second)
    with pytest.raises(services.ParticipationError, match="No registration"):
        services.registration_check_in(meeting=meeting, code="ZZZZZZZZ")
    with pytest.raises(services.ParticipationError, match="not confirmed"):
        services.registration_check_in(meeting=meeting, code=waiting.code)
    checked = services.registration_check_in(meeting=meeting, code=" " + ok.code.lower() + " ")
    assert checked.checked_in_at is not None
    with pytest.raises(services.ParticipationError, match="already checked in"):
        services.registration_check_in(meeting=meeting, code=ok.code)


def test_purge_keeps_the_attendance_count() -> None:
    meeting = make_meeting(capacity=None, code="old")
    reg = services.meeting_register(meeting=meeting, user=make_user("old"))
    services.registration_check_in(meeting=meeting, code=reg.code)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=400),
        ends_at=timezone.now() - dt.timedelta(days=400),
    )
    assert services.registrations_purge(days=365) == 1
    meeting.refresh_from_db()
    assert meeting.reported_attendance == 1 and not meeting.registrations.exists()


def open_process() -> Process:
    """The open process of the `forum` fixture (tests/participation/conftest.py)."""
    return Process.objects.get(code=OPEN)


def test_contribution_needs_a_verified_email_and_an_open_phase(forum: Forum) -> None:
    unverified = make_user("new", verified=False)
    with pytest.raises(services.ParticipationError, match="Confirm your email"):
        services.contribution_submit(
            user=unverified, process=open_process(), kind="proposal", title="T", body="B"
        )
    closed = Process.objects.get(code=CLOSED)
    with pytest.raises(services.ParticipationError, match="not accepting"):
        services.contribution_submit(
            user=make_user("v"), process=closed, kind="proposal", title="T", body="B"
        )


def test_attachments_are_checked_by_content_and_nothing_is_written_on_error(forum: Forum) -> None:
    user = make_user("files")
    before = Contribution.objects.count()
    disguised = services.Upload("relazione.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(services.ParticipationError, match=r"relazione\.pdf: not a PDF"):
        services.contribution_submit(
            user=user,
            process=open_process(),
            kind="document",
            title="Doc",
            body="Testo",
            files=[services.Upload("ok.pdf", PDF), disguised],
        )
    assert Contribution.objects.count() == before
    contribution = services.contribution_submit(
        user=user,
        process=open_process(),
        kind="document",
        title="Doc",
        body="Testo",
        files=[services.Upload("../../etc/relazione.pdf", PDF)],
    )
    attachment = contribution.attachments.get()
    assert attachment.original_name == "relazione.pdf"  # path parts dropped
    assert attachment.media_type == "application/pdf" and attachment.size == len(PDF)
    assert ConsentRecord.objects.filter(user=user, purpose="contribution").count() == 1


def test_similar_contributions_rank_shared_distinctive_words_first(forum: Forum) -> None:
    found = selectors.similar_contributions(
        "comunità energetiche per i comuni piccoli", process=open_process()
    )
    titles = [c.title for c, _score in found]
    assert titles[0] == "Sportello unico per le comunità energetiche"
    assert "Comunità energetiche nelle scuole" in titles[:3]
    assert selectors.similar_contributions("il la di per", process=open_process()) == []


def test_workflow_answers_supports_and_moderation(forum: Forum) -> None:
    author, moderator, fan = make_user("author"), make_user("mod"), make_user("fan")
    contribution = services.contribution_submit(
        user=author, process=open_process(), kind="proposal", title="Idea", body="Testo"
    )
    with pytest.raises(services.ParticipationError, match="official answer"):
        services.contribution_answer(
            contribution=contribution, status="accepted", answer=" ", actor=moderator
        )
    services.contribution_answer(
        contribution=contribution, status="accepted", answer="Accolta.", actor=moderator
    )
    contribution.refresh_from_db()
    assert contribution.status == "accepted" and contribution.answered_at is not None
    assert services.contribution_support(contribution=contribution, user=fan) is True
    assert (
        services.contribution_support(contribution=contribution, user=fan) is False
    )  # one per person
    contribution.refresh_from_db()
    assert contribution.support_count == 1
    services.contribution_report(contribution=contribution, user=fan, reason="spam")
    with pytest.raises(services.ParticipationError, match="already reported"):
        services.contribution_report(contribution=contribution, user=fan, reason="spam")
    services.contribution_hide(contribution=contribution, reason="Pubblicità", actor=moderator)
    contribution.refresh_from_db()
    assert contribution.is_hidden and contribution.reports.get().outcome == "hidden"
    with pytest.raises(services.ParticipationError, match="hidden"):
        services.contribution_support(contribution=contribution, user=author)
    services.contribution_restore(contribution=contribution, actor=moderator)
    contribution.refresh_from_db()
    assert not contribution.is_hidden
    from territori.core.models import AuditEntry

    assert (
        AuditEntry.objects.filter(
            model="participation.contribution", object_id=str(contribution.pk)
        ).count()
        == 3
    )


def test_login_lock_out_after_repeated_failures(client: Any) -> None:
    make_user("locked")
    for _ in range(5):
        client.post("/account/accedi/", {"username": "locked@example.org", "password": "wrong"})
    assert LoginFailure.objects.filter(username="locked@example.org").count() == 5
    response = client.post(
        "/account/accedi/", {"username": "locked@example.org", "password": "x-Secret-123"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session  # locked
    assert "Troppi tentativi falliti" in response.content.decode()  # and told so
    # refused attempts do not extend the lock
    assert LoginFailure.objects.filter(username="locked@example.org").count() == 5
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    response = client.post(
        "/account/accedi/", {"username": "locked@example.org", "password": "x-Secret-123"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert not LoginFailure.objects.filter(username="locked@example.org").exists()


# --- Questionnaires -------------------------------------------------------------------------------


def demo_questions() -> tuple[Questionnaire, list[Question]]:
    questionnaire = Questionnaire.objects.get(code=QUESTIONNAIRE)
    return questionnaire, list(questionnaire.questions.all())


def test_skip_logic_ignores_hidden_questions_and_requires_shown_ones(forum: Forum) -> None:
    _q, questions = demo_questions()
    raw = {"ruolo": ["Impresa"], "coinvolto": ["No"], "temi": ["Energia"], "soddisfazione": ["9"]}
    result = qs.response_validate(questions=questions, raw=raw)
    assert result.errors == {}
    codes = {q.pk: q.code for q in questions}
    assert {codes[k] for k in result.values} == {"ruolo", "coinvolto"}  # the rest was skipped
    raw["coinvolto"] = ["Sì"]
    result = qs.response_validate(questions=questions, raw=raw)
    assert result.errors == {"soddisfazione": "Choose a value from 1 to 5."}


def test_validation_names_each_problem(forum: Forum) -> None:
    _q, questions = demo_questions()
    result = qs.response_validate(
        questions=questions,
        raw={
            "ruolo": ["__other__"],
            "coinvolto": ["Forse"],
            "importanza__1": ["Tanto"],
            "ordine__1": ["1"],
            "ordine__2": ["1"],
            "ordine__3": ["2"],
            "ordine__4": ["3"],
        },
    )
    assert result.errors == {
        "ruolo__other": "Write what “other” means.",
        "coinvolto": "“Forse” is not one of the options.",
        "importanza__1": "“Tanto” is not one of the options.",
        "ordine": "Give each item a different position from 1 to 4.",
    }


def test_one_response_per_person_and_export_columns(forum: Forum) -> None:
    questionnaire, questions = demo_questions()
    user = make_user("resp")
    raw = {
        "ruolo": [
            "Impresa",
        ],
        "coinvolto": ["Sì"],
        "temi": ["Energia", "Digitale"],
        "soddisfazione": ["4"],
        "ordine__1": ["2"],
        "ordine__2": ["1"],
        "ordine__3": ["4"],
        "ordine__4": ["3"],
    }
    valid = qs.response_validate(questions=questions, raw=raw)
    response = qs.response_submit(questionnaire=questionnaire, user=user, validated=valid)
    assert response.user is None  # anonymous questionnaire: not linked to the account
    with pytest.raises(services.ParticipationError, match="already answered"):
        qs.response_submit(questionnaire=questionnaire, user=user, validated=valid)
    header, rows = selectors.export_table(questionnaire=questionnaire)
    assert header[:2] == ["risposta", "inviata"]
    assert "temi: Energia" in header and "ruolo: altro (testo)" in header
    assert "ordine: Digitale (posizione)" in header
    mine = rows[-1]
    cell = dict(zip(header, mine, strict=True))
    assert cell["ruolo: Impresa"] == 1 and cell["ruolo: Ente pubblico"] == 0
    assert (
        cell["temi: Energia"] == 1 and cell["temi: Mobilità"] == 0 and cell["temi: Digitale"] == 1
    )
    assert cell["soddisfazione"] == 4 and cell["ordine: Mobilità (posizione)"] == 1
    assert cell["suggerimenti"] == "" and cell["importanza: Energia"] == ""  # shown, not answered
    no = [
        r for r in (dict(zip(header, r, strict=True)) for r in rows) if r.get("coinvolto: No") == 1
    ]
    assert no and all(
        r["temi: Energia"] == selectors.NOT_SHOWN and r["soddisfazione"] == selectors.NOT_SHOWN
        for r in no
    )
    assert all(len(r) == len(header) for r in rows)


def test_results_count_what_was_shown_and_answered(forum: Forum) -> None:
    questionnaire, _questions = demo_questions()
    results = {
        r.question.code: r for r in selectors.questionnaire_results(questionnaire=questionnaire)
    }
    total = questionnaire.responses.count()
    assert results["ruolo"].shown_to == total
    involved = results["coinvolto"].counts[0][1]  # "Sì"
    assert results["temi"].shown_to == involved
    scale = results["soddisfazione"]
    assert sum(n for _label, n in scale.counts) == scale.answered
    if scale.answered:
        mean = sum(int(label) * n for label, n in scale.counts) / scale.answered
        assert scale.mean == pytest.approx(mean, abs=1e-12)
    ranks = results["ordine"].mean_ranks
    assert sorted(m for _i, m in ranks) == [m for _i, m in ranks]
    assert sum(m for _i, m in ranks) == pytest.approx(10.0)  # 1+2+3+4 in every response


# --- Newsletter --------------------------------------------------------------------------------


def test_double_opt_in_personalised_issue_and_one_click_unsubscribe(
    django_capture_on_commit_callbacks: Any,
    forum: Forum,
) -> None:
    from territori.participation.models import NewsletterIssue
    from territori.territories.models import Territory

    zone = Territory.objects.get(kind="zona", number=10)
    with django_capture_on_commit_callbacks(execute=True):
        subscriber = newsletter.subscribe(email=" Reader@Example.org ", zones=[zone])
    assert subscriber.email == "reader@example.org" and not subscriber.active
    assert subscriber.token in mail.outbox[0].body
    newsletter.subscription_confirm(token=subscriber.token)
    subscriber.refresh_from_db()
    assert subscriber.active
    unconfirmed = Subscriber.objects.create(email="later@example.org", token="t-later")
    issue = NewsletterIssue.objects.create(number=90, subject_it="Prova")
    mail.outbox.clear()
    start = timezone.now() + dt.timedelta(days=5)
    Meeting.objects.create(
        code="nl-in-zone",
        kind="lab",
        title_it="Nella zona",
        starts_at=start,
        ends_at=start,
        zone=zone,
    )
    Meeting.objects.create(
        code="nl-elsewhere",
        kind="lab",
        title_it="Altrove",
        starts_at=start,
        ends_at=start,
        zone=Territory.objects.get(kind="zona", number=11),
    )
    with django_capture_on_commit_callbacks(execute=True):
        newsletter.issue_queue(issue=issue)
    issue.refresh_from_db()
    assert issue.status == "sent" and issue.recipients == 1
    [message] = mail.outbox
    assert message.to == ["reader@example.org"] and unconfirmed.email not in message.to
    assert "Nella zona" in message.body and "Altrove" not in message.body  # personalised
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert subscriber.token in message.extra_headers["List-Unsubscribe"]
    newsletter.unsubscribe(token=subscriber.token)
    subscriber.refresh_from_db()
    assert not subscriber.active
    assert ConsentRecord.objects.get(email="reader@example.org").withdrawn_at is not None
    with pytest.raises(services.ParticipationError, match="already"):
        newsletter.issue_queue(issue=issue)


# --- Privacy ---------------------------------------------------------------------------------------


def test_export_and_delete_keep_public_contributions_anonymised(forum: Forum) -> None:
    user = make_user("leaving")
    contribution = services.contribution_submit(
        user=user,
        process=open_process(),
        kind="document",
        title="Mio documento",
        body="Testo",
        files=[services.Upload("nota.pdf", PDF)],
    )
    other = Contribution.objects.exclude(author=user).first()
    assert other is not None
    services.contribution_support(contribution=other, user=user)
    registration = services.meeting_register(meeting=make_meeting(code="privacy"), user=user)
    archive = zipfile.ZipFile(io.BytesIO(privacy.participant_archive(user)))
    data = json.loads(archive.read("data.json"))
    assert data["account"]["email"] == "leaving@example.org"
    assert [c["title"] for c in data["contributions"]] == ["Mio documento"]
    assert data["registrations"][0]["code"] == registration.code
    assert {c["purpose"] for c in data["consents"]} >= {"contribution", "registration"}
    assert archive.read(data["contributions"][0]["attachments"][0]) == PDF
    supports_before = Contribution.objects.get(pk=other.pk).support_count
    user_id = user.pk
    privacy.participant_delete(user)
    contribution.refresh_from_db()
    assert contribution.author is None and contribution.author_name == services.REMOVED_PARTICIPANT
    assert contribution.attachments.count() == 1  # the public record stays
    assert Contribution.objects.get(pk=other.pk).support_count == supports_before - 1
    assert not Registration.objects.filter(pk=registration.pk).exists()
    assert not ConsentRecord.objects.filter(user_id=user_id).exists()
    assert not get_user_model().objects.filter(pk=user_id).exists()


# --- iCal ---------------------------------------------------------------------------------------------


def test_ical_escaping_folding_and_times() -> None:
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    event = Event(
        uid="x@territori",
        summary="Lab; energia, comunità\nsecondo rigo",
        start=dt.datetime(2024, 11, 28, 10, 0, tzinfo=rome),
        end=dt.datetime(2024, 11, 28, 12, 30, tzinfo=rome),
        description="è" * 60,
    )
    text = calendar([event], name="Prova", stamp=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert "DTSTART:20241128T090000Z" in text  # 10:00 in Rome is 09:00 UTC in November
    assert "DTEND:20241128T113000Z" in text
    assert "SUMMARY:Lab\\; energia\\, comunità\\nsecondo rigo" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:" + "è" * 60 in unfolded
    whole_day = Event(
        uid="d",
        summary="S",
        start=dt.datetime(2023, 9, 27, 0, 0, tzinfo=rome),
        end=dt.datetime(2023, 9, 27, 23, 59, tzinfo=rome),
        all_day=True,
    )
    text = calendar([whole_day], name="P", stamp=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    assert "DTSTART;VALUE=DATE:20230927" in text and "DTEND;VALUE=DATE:20230928" in text
    assert fold("a" * 75) == "a" * 75 and fold("a" * 76) == "a" * 75 + "\r\n a"


def test_purge_command_checks_its_argument() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--days: must be 0 or more, not -1"):
        call_command("purge_registrations", "--days", "-1")
    out = io.StringIO()
    call_command("purge_registrations", "--days", "0", stdout=out)
    assert "registration(s) deleted" in out.getvalue()


def test_back_office_uploads_are_checked_by_content(forum: Forum) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from territori.participation.admin import CheckedFileForm
    from territori.participation.models import Body, BodyDocument

    class Form(CheckedFileForm):
        class Meta:
            model = BodyDocument
            fields = ["body", "title", "file"]

    body = Body.objects.get(code=FORUM)
    bad = Form(
        {"body": body.pk, "title": "Finto"}, {"file": SimpleUploadedFile("x.pdf", b"GIF89a")}
    )
    assert not bad.is_valid()
    assert bad.errors["file"] == [
        "x.pdf: not a PDF, DOCX, ODT, XLSX, ODS, PNG or JPG document (by its content)"
    ]
    good = Form({"body": body.pk, "title": "Vero"}, {"file": SimpleUploadedFile("vero.pdf", PDF)})
    assert good.is_valid(), good.errors
    document = good.save()
    assert (document.original_name, document.media_type, document.size) == (
        "vero.pdf",
        "application/pdf",
        len(PDF),
    )


def test_minutes_are_sanitised_on_save() -> None:
    meeting = make_meeting(code="minutes")
    meeting.minutes = '<h2 onclick="x()">Esiti</h2><script>alert(1)</script><p><a href="javascript:x()">a</a> <a href="https://example.org">b</a></p><img src=x onerror=y>'
    meeting.save()
    meeting.refresh_from_db()
    assert "<script" not in meeting.minutes and "onclick" not in meeting.minutes
    assert "javascript:" not in meeting.minutes and "<img" not in meeting.minutes
    assert "<h2>Esiti</h2>" in meeting.minutes and 'href="https://example.org"' in meeting.minutes


def _login(client: Any, username: str, password: str, ip: str) -> Any:
    return client.post(
        "/account/accedi/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_failures_from_elsewhere_slow_an_account_down_but_never_lock_its_owner_out() -> None:
    from django.test import Client

    make_user("target")
    attacker, owner = Client(), Client()
    for i in range(8):  # spread over eight addresses: none reaches the per-address limit
        LoginFailure.objects.create(
            username="target@example.org",
            ip=f"203.0.113.{i}",
            at=timezone.now() - dt.timedelta(seconds=40),
        )
    # 8 failures, 3 beyond the limit: a delay of 2^3 = 8 s since the latest, long passed
    assert _login(owner, "target@example.org", "x-Secret-123", "198.51.100.7").status_code == 302
    for i in range(8):
        LoginFailure.objects.create(username="target@example.org", ip=f"203.0.113.{i}")
    response = _login(attacker, "target@example.org", "x-Secret-123", "192.0.2.1")
    assert response.status_code == 200 and "_auth_user_id" not in attacker.session
    assert "Riprova tra" in response.content.decode()  # delayed, and told for how long
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(seconds=20))
    assert _login(owner, "target@example.org", "x-Secret-123", "198.51.100.7").status_code == 302


def test_lock_is_per_address_and_covers_staff_accounts() -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    User.objects.create_user("staff@example.org", password="x-Secret-123", is_staff=True)
    for _ in range(5):
        _login(Client(), "staff@example.org", "wrong", "192.0.2.9")
    state = services.login_lock_state(username="staff@example.org", ip="192.0.2.9")
    assert state.address and 890 <= state.wait <= 900
    assert _login(Client(), "staff@example.org", "x-Secret-123", "192.0.2.9").status_code == 200
    # the same account from another address: five failures cost a 1 s delay, no lock
    other = services.login_lock_state(username="staff@example.org", ip="198.51.100.1")
    assert not other.address and other.wait <= 1
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(seconds=2))
    assert _login(Client(), "staff@example.org", "x-Secret-123", "198.51.100.1").status_code == 302


def test_failed_logins_are_purged_after_the_retention_period() -> None:
    from django.core.management import call_command

    old = LoginFailure.objects.create(username="a@example.org", ip="192.0.2.1")
    LoginFailure.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=31))
    recent = LoginFailure.objects.create(username="a@example.org", ip="192.0.2.1")
    out = io.StringIO()
    call_command("purge_login_failures", stdout=out)
    assert "1 failed-login record(s) deleted" in out.getvalue()
    assert list(LoginFailure.objects.filter(username="a@example.org")) == [recent]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.2", "10.0.0.2"),  # no proxy: the header is the client's word
        (1, "6.6.6.6, 198.51.100.4", "10.0.0.2", "198.51.100.4"),  # nginx appended the client
        (1, "198.51.100.4", "10.0.0.2", "198.51.100.4"),
        (2, "6.6.6.6, 198.51.100.4, 10.0.0.5", "10.0.0.2", "198.51.100.4"),
        (1, "not-an-address", "10.0.0.2", "10.0.0.2"),
        (1, "", "10.0.0.2", "10.0.0.2"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(
    settings: Any, proxies: int, forwarded: str, remote: str, expected: str
) -> None:
    from django.test import RequestFactory

    from territori.core.ratelimit import client_ip

    settings.TERRITORI_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_ip(request) == expected


def test_login_without_next_lands_on_the_account_page(client: Any) -> None:
    make_user("lands")
    response = client.post(
        "/account/accedi/", {"username": "lands@example.org", "password": "x-Secret-123"}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert client.get(response["Location"]).status_code == 200


def test_deleting_an_account_frees_its_place_and_anonymises_the_audit_log(
    django_capture_on_commit_callbacks: Any,
    forum: Forum,
) -> None:
    from territori.core.models import AuditEntry

    leaving, waiting = make_user("leaving-seat"), make_user("waiting-seat")
    meeting = make_meeting(capacity=1, code="seat")
    services.meeting_register(meeting=meeting, user=leaving)
    queued = services.meeting_register(meeting=meeting, user=waiting)
    assert queued.status == Registration.Status.WAITING
    contribution = services.contribution_submit(
        user=leaving,
        process=open_process(),
        kind="proposal",
        title="Proposta di Mario",
        body="Testo personale",
    )
    staff = get_user_model().objects.create_user("moderator-seat", is_staff=True)
    services.contribution_answer(
        contribution=contribution, status="accepted", answer="Grazie", actor=staff
    )
    entries = AuditEntry.objects.filter(
        model="participation.contribution", object_id=str(contribution.pk)
    )
    assert "Proposta di Mario" in json.dumps(
        [e.before for e in entries] + [e.object_repr for e in entries]
    )
    with django_capture_on_commit_callbacks(execute=True):
        privacy.participant_delete(leaving)
    queued.refresh_from_db()
    assert queued.status == Registration.Status.CONFIRMED  # moved up, as on a cancellation
    assert any("seat" in str(m.body) or m.to == ["waiting-seat@example.org"] for m in mail.outbox)
    text = json.dumps(
        [[e.before, e.after, e.object_repr] for e in entries.all()], ensure_ascii=False
    )
    assert "Proposta di Mario" not in text and "Testo personale" not in text
    assert "leaving-seat" not in text
    assert entries.exists() and all(e.before.get("status") for e in entries.all())  # kept


def test_sign_up_does_not_reveal_whether_an_address_is_registered(
    client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_user("known")
    form = {
        "display_name": "Qualcuno",
        "password1": "y-Another-456",
        "password2": "y-Another-456",
        "consent": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post("/account/registrati/", {**form, "email": "fresh@example.org"})
        known = client.post("/account/registrati/", {**form, "email": "Known@example.org"})
    assert new.status_code == known.status_code == 200
    strip = lambda r, e: r.content.decode().replace(e, "")  # noqa: E731
    assert strip(new, "fresh@example.org") == strip(known, "Known@example.org")
    assert [m.to for m in mail.outbox] == [["fresh@example.org"], ["known@example.org"]]
    assert "Esiste già un account" in mail.outbox[1].subject
    assert get_user_model().objects.filter(username__iexact="known@example.org").count() == 1


def test_read_only_data_directory_gives_a_maintenance_page_and_a_failing_health_check(
    client: Any, settings: Any, tmp_path: Any, monkeypatch: Any, forum: Forum
) -> None:
    import errno

    from territori.core import middleware

    settings.VAR_DIR = tmp_path
    assert client.get("/salute/").status_code == 200
    monkeypatch.setattr(middleware.os, "access", lambda path, mode: False)
    health = client.get("/salute/")
    assert health.status_code == 503 and "read-only" in health.json()["problem"]

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    from territori.participation.views import contributions as views

    monkeypatch.setattr(views, "contribution_support", refuse)
    user = make_user("reader")
    client.force_login(user)
    contribution = Contribution.objects.filter(hidden_at__isnull=True).first()
    assert contribution is not None
    response = client.post(f"/partecipa/contributi/{contribution.pk}/sostieni/")
    assert response.status_code == 503 and response["Retry-After"] == "300"
    assert "Temporaneamente non disponibile" in response.content.decode()
