"""Participation pages: the permission matrix, the flows through the views, bad input,
rate limits, CSRF, private files, downloads and query counts."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from territori.core.ratelimit import rate_limit_reset
from territori.core.roles import ADMINISTRATOR, EDITOR, MODERATOR
from territori.participation import services
from territori.participation.models import (
    Body,
    BodyDocument,
    BodyMember,
    Contribution,
    Debate,
    Meeting,
    Process,
    Registration,
)
from tests.worlds import CLOSED, DEBATE, FORUM, LAB, LAB_TWO, OPEN, QUESTIONNAIRE, Forum

from ..conftest import count_queries
from ..factories import OrganisationFactory
from .test_services import PDF, make_meeting, make_user

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "participant", "member", "moderator", "editor", "administrator"]


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    rate_limit_reset()


def login_as(client: Client, role: str) -> Any:
    if role == "anonymous":
        return None
    user = make_user(f"role-{role}")
    if role == "member":
        member = BodyMember.objects.filter(body__code=FORUM).first()
        assert member is not None
        member.delegates.add(user)
    if role in (MODERATOR, EDITOR, ADMINISTRATOR):
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


def hidden_contribution() -> Contribution:
    contribution = Contribution.objects.filter(process__code=OPEN).first()
    assert contribution is not None
    contribution.hidden_at = timezone.now()
    contribution.hidden_reason = "test"
    contribution.save()
    return contribution


def body_document() -> BodyDocument:
    document = BodyDocument(body=Body.objects.get(code=FORUM), title="Bozza")
    document.original_name, document.media_type, document.size = (
        "bozza.pdf",
        "application/pdf",
        len(PDF),
    )
    document.file.save("bozza.pdf", ContentFile(PDF), save=False)
    document.save()
    return document


#: (url builder, expected status per role in ROLES order). 302: sent to log in.
MATRIX: list[tuple[str, Any, list[int]]] = [
    ("home", lambda: "/partecipa/", [200] * 6),
    ("meetings", lambda: "/partecipa/incontri/", [200] * 6),
    ("contributions", lambda: "/partecipa/contributi/", [200] * 6),
    ("contribution export", lambda: "/partecipa/contributi/esporta.xlsx", [200] * 6),
    ("results", lambda: f"/partecipa/questionari/{QUESTIONNAIRE}/risultati/", [200] * 6),
    (
        "contribute",
        lambda: f"/partecipa/processi/{OPEN}/contribuisci/",
        [302, 200, 200, 200, 200, 200],
    ),
    ("account", lambda: "/account/", [302, 200, 200, 200, 200, 200]),
    ("account export", lambda: "/account/i-miei-dati.zip", [302, 200, 200, 200, 200, 200]),
    ("moderation", lambda: "/staff/partecipazione/moderazione/", [302, 403, 403, 200, 403, 200]),
    (
        "moderate one",
        lambda: f"/staff/partecipazione/contributi/{Contribution.objects.first().pk}/",
        [302, 403, 403, 200, 403, 200],
    ),
    (
        "check-in",
        lambda: f"/staff/partecipazione/incontri/{LAB}/accoglienza/",
        [302, 403, 403, 403, 200, 200],
    ),
    (
        "registrations",
        lambda: f"/staff/partecipazione/incontri/{LAB}/iscrizioni.csv",
        [302, 403, 403, 403, 200, 200],
    ),
    (
        "members' document",
        lambda: f"/partecipa/organismi/documenti/{body_document().pk}/",
        [403, 403, 200, 403, 200, 200],
    ),
    (
        "hidden contribution",
        lambda: f"/partecipa/contributi/{hidden_contribution().pk}/",
        [410, 410, 410, 200, 410, 200],
    ),
    ("back office", lambda: "/admin/", [302, 302, 302, 200, 200, 200]),
    ("debate", lambda: f"/partecipa/dibattiti/{DEBATE}/", [200] * 6),
    ("notifications", lambda: "/account/notifiche/", [302, 200, 200, 200, 200, 200]),
    (
        "moderate a comment",
        lambda: f"/staff/partecipazione/commenti/{a_comment().pk}/",
        [302, 403, 403, 200, 403, 200],
    ),
    (
        "close a debate",
        lambda: f"/staff/partecipazione/dibattiti/{DEBATE}/chiudi/",
        [302, 403, 403, 200, 403, 200],
    ),
    ("prioritisation", lambda: f"/partecipa/priorita/{a_prioritisation().code}/", [200] * 6),
    (
        "prioritisation results",
        lambda: f"/partecipa/priorita/{a_prioritisation().code}/risultati/",
        [200] * 6,
    ),
    (
        "prioritisation results hidden while open",
        lambda: f"/partecipa/priorita/{a_prioritisation(public=False).code}/risultati.csv",
        [403, 403, 403, 403, 200, 200],
    ),
    ("what we did", lambda: f"/partecipa/processi/{OPEN}/esiti/", [200] * 6),
    (
        "questionnaire invitations",
        lambda: f"/staff/partecipazione/questionari/{QUESTIONNAIRE}/inviti/",
        [302, 403, 403, 403, 200, 200],
    ),
    ("stop invitations", lambda: "/partecipa/questionari/inviti/stop/falso/", [200] * 6),
    ("digital identity, not configured", lambda: "/account/identita/spid/", [404] * 6),
    ("first sign-in, nothing pending", lambda: "/account/identita/completa/", [302] * 6),
    ("roadmap", lambda: f"/partecipa/tabelle-di-marcia/{a_roadmap().code}/", [200] * 6),
    (
        "edit a roadmap",
        lambda: f"/partecipa/tabelle-di-marcia/{a_roadmap().code}/modifica/",
        [302, 403, 200, 403, 200, 200],
    ),
    (
        "a roadmap's version",
        lambda: f"/partecipa/tabelle-di-marcia/{a_roadmap(versioned=True).code}/versioni/1/",
        [200] * 6,
    ),
    (
        "a roadmap's PDF",
        lambda: f"/partecipa/tabelle-di-marcia/{a_roadmap().code}/tabella.pdf",
        [200] * 6,
    ),
    (
        "prioritisation results CSV",
        lambda: f"/partecipa/priorita/{a_prioritisation().code}/risultati.csv",
        [200] * 6,
    ),
    ("API: outcomes", lambda: "/api/v1/participation/outcomes", [200] * 6),
    ("API: prioritisations", lambda: "/api/v1/participation/prioritisations", [200] * 6),
    (
        "API: a prioritisation's results",
        lambda: f"/api/v1/participation/prioritisations/{a_prioritisation().code}/results",
        [200] * 6,
    ),
    ("a Mission's scenarios", lambda: "/quadri/agenda-prova/1.1/scenari/", [200] * 6),
    ("a systems map", lambda: f"/coerenza/sistemi/{a_system().code}/", [200] * 6),
    (
        "edit a systems map",
        lambda: f"/staff/coerenza/sistemi/{a_system().code}/",
        [302, 403, 403, 403, 403, 200],
    ),
]


def a_system() -> Any:
    from territori.coherence.models import SystemMap
    from territori.frameworks.models import Node

    found = SystemMap.objects.filter(code="mappa-matrice").first()
    return found or SystemMap.objects.create(
        code="mappa-matrice",
        node=Node.objects.get(framework__code="agenda-prova", code="1.1"),
        title_it="Mappa",
    )


def a_roadmap(*, versioned: bool = False) -> Any:
    """A roadmap of the Forum's Mission edited by the Forum (made on first use): its member
    delegates and the editors may edit it; `versioned`: with a first version saved."""
    from territori.frameworks.models import Node
    from territori.participation.models import Roadmap
    from territori.participation.services.roadmaps import roadmap_update

    found = Roadmap.objects.filter(code="tabella-matrice").first()
    if found is not None:
        if versioned and not found.version:
            roadmap_update(
                roadmap=found, title_it="Tabella", vision_it="Visione.", horizon=2040, actor=None
            )
        return found
    return Roadmap.objects.create(
        code="tabella-matrice",
        node=Node.objects.get(framework__code="agenda-prova", code="1.1"),
        body=Body.objects.get(code=FORUM),
        title_it="Tabella",
        vision_it="Visione.",
        horizon=2040,
    )


def a_prioritisation(*, public: bool = True) -> Any:
    """An open prioritisation of the open process (made on first use), with two options."""
    import datetime as dt

    from territori.participation.models import Prioritisation, PriorityOption

    code = "priorita-matrice" if public else "priorita-riservata"
    found = Prioritisation.objects.filter(code=code).first()
    if found is not None:
        return found
    now = timezone.now()
    prioritisation = Prioritisation.objects.create(
        code=code,
        phase=Process.objects.get(code=OPEN).phases.order_by("position").first(),
        title_it="Priorità di prova",
        points=10,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=5),
        results_public=public,
    )
    for position in (1, 2):
        PriorityOption.objects.create(
            prioritisation=prioritisation, position=position, title_it=f"Opzione {position}"
        )
    return prioritisation


def a_ballot() -> dict[str, str]:
    options = list(a_prioritisation().options.order_by("position"))
    return {f"punti-{options[0].pk}": "7", f"punti-{options[1].pk}": "3"}


def an_identity() -> Any:
    """A digital identity of someone else (made on first use)."""
    from territori.participation.models import ExternalIdentity

    found = ExternalIdentity.objects.filter(subject="MATRICE").first()
    if found is not None:
        return found
    return ExternalIdentity.objects.create(
        user=make_user("titolare-identita"), provider="spid", subject="MATRICE"
    )


def accepted_contribution() -> Contribution:
    return Contribution.objects.get(process__code=OPEN, status="accepted")


def a_comment() -> Any:
    from territori.participation.models import Comment

    contribution = Contribution.objects.filter(process__code=OPEN, hidden_at=None).first()
    assert contribution is not None
    return Comment.objects.create(
        target_kind="contribution", target_id=contribution.pk, body="Un commento di prova."
    )


POSTS: list[tuple[str, Any, Any, list[int]]] = [
    (
        "comment",
        lambda: f"/partecipa/commenti/debate/{Debate.objects.get(code=DEBATE).pk}/",
        {"body": "Un argomento.", "stance": "for", "consent": "on"},
        [302, 302, 302, 302, 302, 302],
    ),
    (
        "report a comment",
        lambda: f"/partecipa/commento/{a_comment().pk}/segnala/",
        {"reason": "spam"},
        [302, 302, 302, 302, 302, 302],
    ),
    (
        "hide a comment",
        lambda: f"/staff/partecipazione/commenti/{a_comment().pk}/",
        {"form": "hide", "reason": "Fuori tema"},
        [302, 403, 403, 302, 403, 302],
    ),
    (
        "close a debate",
        lambda: f"/staff/partecipazione/dibattiti/{DEBATE}/chiudi/",
        {"conclusions_it": "Sintesi."},
        [302, 403, 403, 302, 403, 302],
    ),
    (
        "follow",
        lambda: f"/partecipa/segui/debate/{Debate.objects.get(code=DEBATE).pk}/",
        {},
        [302, 302, 302, 302, 302, 302],
    ),
    (
        "choose emails",
        lambda: "/account/notifiche/",
        {"form": "digest", "digest": "daily"},
        [302, 302, 302, 302, 302, 302],
    ),
    (
        "prioritise",
        lambda: f"/partecipa/priorita/{a_prioritisation().code}/",
        a_ballot,
        [302, 302, 302, 302, 302, 302],
    ),
    (
        "link a contribution to its result",
        lambda: f"/staff/partecipazione/contributi/{accepted_contribution().pk}/",
        {"form": "outcome", "kind": "node", "reference": "agenda:1.1"},
        [302, 403, 403, 302, 403, 302],
    ),
    (
        "unlink someone else's identity",
        lambda: f"/account/identita/scollega/{an_identity().pk}/",
        {},
        [302, 404, 404, 404, 404, 404],
    ),
    (
        "invite to a questionnaire",
        lambda: f"/staff/partecipazione/questionari/{QUESTIONNAIRE}/inviti/",
        {"confirm": "on"},
        [302, 403, 403, 403, 302, 302],
    ),
]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_comment_and_debate_writes(
    client: Client, role: str, forum: Forum
) -> None:
    """Who may write: anonymous visitors are sent to log in, moderators alone hide and close;
    what the others send changes nothing."""
    from territori.participation.models import Comment

    user = login_as(client, role)
    if user is not None and role in ("participant", "member"):
        user.participant.email_verified_at = timezone.now()
        user.participant.save()
    index = ROLES.index(role)
    got = {}
    for name, build, data, _expected in POSTS:
        url = build()
        response = client.post(url, data() if callable(data) else data)
        got[name] = response.status_code
        if role == "anonymous":
            assert "/account/accedi/" in response["Location"], name
    assert got == {name: expected[index] for name, _b, _d, expected in POSTS}
    wrote = Comment.objects.filter(body="Un argomento.").exists()
    assert wrote == (role != "anonymous")
    hidden = Comment.objects.filter(hidden_at__isnull=False).exists()
    assert hidden == (role in ("moderator", "administrator"))
    closed = Debate.objects.get(code=DEBATE).is_closed
    assert closed == (role in ("moderator", "administrator"))
    from territori.participation.models import Follow

    assert Follow.objects.exists() == (role != "anonymous")
    from territori.participation.models import (
        ContributionOutcome,
        PriorityBallot,
        QuestionnaireInvitation,
    )

    assert PriorityBallot.objects.exists() == (role != "anonymous")
    from territori.participation.models import ExternalIdentity

    assert ExternalIdentity.objects.filter(subject="MATRICE").exists()
    assert ContributionOutcome.objects.exists() == (role in ("moderator", "administrator"))
    # The world's three contributors are invited by an editor or an administrator only.
    invited = QuestionnaireInvitation.objects.count()
    assert invited == (3 if role in ("editor", "administrator") else 0)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client: Client, role: str, forum: Forum) -> None:
    login_as(client, role)
    index = ROLES.index(role)
    got = {name: client.get(build()).status_code for name, build, _expected in MATRIX}
    assert got == {name: expected[index] for name, _build, expected in MATRIX}


def test_posts_need_csrf_tokens() -> None:
    client = Client(enforce_csrf_checks=True)
    user = make_user("csrf")
    client.force_login(user)
    response = client.post(f"/partecipa/incontri/{LAB}/iscriviti/", {"consent": "on"})
    assert response.status_code == 403
    assert not Registration.objects.filter(user=user).exists()


def test_sign_up_verify_contribute_answer_flow(
    client: Client, django_capture_on_commit_callbacks: Any, forum: Forum
) -> None:
    form = {
        "email": "nuova@example.org",
        "display_name": "Nuova",
        "password1": "una-Password-lunga-7",
        "password2": "una-Password-lunga-7",
        "consent": "on",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/registrati/", form)
    assert response.status_code == 200 and b"nuova@example.org" in response.content
    link = re.search(r"http://\S+/account/conferma/\S+/", mail.outbox[-1].body)
    assert link is not None
    client.login(username="nuova@example.org", password="una-Password-lunga-7")
    url = f"/partecipa/processi/{OPEN}/contribuisci/"
    assert (
        "Conferma il tuo indirizzo email prima di contribuire" in client.get(url).content.decode()
    )
    assert client.get(link.group(0).split("8000", 1)[-1]).status_code == 302
    upload = io.BytesIO(PDF)
    upload.name = "proposta.pdf"
    response = client.post(
        url,
        {
            "kind": "document",
            "title": "Una proposta",
            "body": "Testo della proposta",
            "consent": "on",
            "attachments": [upload],
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(title="Una proposta")
    assert contribution.attachments.get().original_name == "proposta.pdf"
    attachment_url = f"/partecipa/allegati/{contribution.attachments.get().pk}/"
    download = client.get(attachment_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    moderator = Client()
    login_as(moderator, MODERATOR)
    response = moderator.post(
        f"/staff/partecipazione/contributi/{contribution.pk}/",
        {"form": "answer", "status": "incorporated", "answer": ""},
    )
    assert response.status_code == 400  # a decision needs an answer; nothing changed
    contribution.refresh_from_db()
    assert contribution.status == "received"
    moderator.post(
        f"/staff/partecipazione/contributi/{contribution.pk}/",
        {"form": "answer", "status": "incorporated", "answer": "Recepita nel Piano."},
    )
    page = client.get(f"/partecipa/contributi/{contribution.pk}/")
    assert b"Recepita nel Piano." in page.content


def test_bad_contribution_keeps_what_was_written(client: Client, forum: Forum) -> None:
    client.force_login(make_user("keeps"))
    url = f"/en/partecipa/processi/{OPEN}/contribuisci/"
    fake = io.BytesIO(b"<html>not a pdf</html>")
    fake.name = "allegato.pdf"
    response = client.post(
        url,
        {
            "kind": "proposal",
            "title": "Titolo da tenere",
            "body": "Testo da tenere",
            "consent": "on",
            "attachments": [fake],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "allegato.pdf: not a PDF" in html
    assert "Titolo da tenere" in html and "Testo da tenere" in html
    assert not Contribution.objects.filter(title="Titolo da tenere").exists()


def test_honeypot_and_rate_limit_on_sign_up(client: Client) -> None:
    response = client.post(
        "/account/registrati/",
        {
            "email": "bot@example.org",
            "display_name": "B",
            "password1": "una-Password-lunga-7",
            "password2": "una-Password-lunga-7",
            "consent": "on",
            "website": "http://spam",
        },
    )
    assert (
        response.status_code == 400
        and not get_user_model().objects.filter(username="bot@example.org").exists()
    )
    for _ in range(4):
        client.post("/account/registrati/", {"email": "x"})
    response = client.post("/account/registrati/", {"email": "x"})
    assert response.status_code == 429 and response["Retry-After"] == "3600"


def test_register_receive_ical_and_check_in(
    client: Client, django_capture_on_commit_callbacks: Any, forum: Forum
) -> None:
    user = make_user("door")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/partecipa/incontri/{LAB_TWO}/iscriviti/",
            {"consent": "on", "organisation_name": "Associazione"},
        )
    assert response.status_code == 302
    registration = Registration.objects.get(user=user)
    ics = mail.outbox[-1].attachments[0][1]
    assert "SUMMARY:" in ics and registration.code in mail.outbox[-1].body
    staff = Client()
    login_as(staff, EDITOR)
    response = staff.post(
        f"/staff/partecipazione/incontri/{LAB_TWO}/accoglienza/",
        {"code": registration.code},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    response = staff.post(
        f"/staff/partecipazione/incontri/{LAB_TWO}/accoglienza/",
        {"code": registration.code},
    )
    assert (
        response.status_code == 400
        and b"ha gi\xc3\xa0 registrato l&#x27;ingresso" in response.content
    )
    workbook = load_workbook(
        io.BytesIO(staff.get(f"/staff/partecipazione/incontri/{LAB_TWO}/iscrizioni.xlsx").content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("codice", "stato", "email") and rows[1][2] == "door@example.org"


def test_answer_questionnaire_then_results(client: Client, forum: Forum) -> None:
    client.force_login(make_user("answers"))
    url = f"/partecipa/questionari/{QUESTIONNAIRE}/"
    response = client.post("/en" + url, {"ruolo": ["Impresa"], "coinvolto": ["Forse"]})
    assert (
        response.status_code == 400
        and "“Forse” is not one of the options." in response.content.decode()
    )
    response = client.post(url, {"ruolo": ["Impresa"], "coinvolto": ["No"], "consent": "on"})
    assert response.status_code == 302
    assert client.get("/en" + url).content.count(b"already answered") == 1
    results = client.get(f"/partecipa/questionari/{QUESTIONNAIRE}/risultati/")
    assert results.status_code == 200 and b"chart-q" in results.content
    csv = client.get(f"/partecipa/questionari/{QUESTIONNAIRE}/risposte.csv").content.decode()
    assert csv.splitlines()[0].startswith("risposta,inviata,ruolo: Cittadino/a")


def test_subscribe_confirm_unsubscribe_pages(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/partecipa/newsletter/", {"email": "legge@example.org", "consent": "on", "website": ""}
        )
    confirm = re.search(r"/partecipa/newsletter/conferma/\S+/", mail.outbox[-1].body)
    assert confirm is not None and client.get(confirm.group(0)).status_code == 200
    from territori.participation.models import Subscriber

    subscriber = Subscriber.objects.get(email="legge@example.org")
    assert subscriber.active
    one_click = Client(enforce_csrf_checks=True)  # mail providers post without a CSRF token
    assert (
        one_click.post(
            f"/partecipa/newsletter/disiscriviti/{subscriber.token}/",
            {"List-Unsubscribe": "One-Click"},
        ).status_code
        == 200
    )
    subscriber.refresh_from_db()
    assert not subscriber.active


def test_ical_feed_and_unknown_pages(client: Client, forum: Forum) -> None:
    feed = client.get(f"/partecipa/processi/{CLOSED}/incontri.ics")
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.count("BEGIN:VEVENT") == Meeting.objects.filter(process__code=CLOSED).count() == 1
    assert "DTSTART:20230918T080000Z" in body  # 10:00 Rome summer time
    for url in (
        "/partecipa/processi/nessuno/",
        "/partecipa/incontri/nessuno/",
        "/partecipa/contributi/999999/",
        "/partecipa/questionari/nessuno/",
        "/partecipa/contributi/esporta.doc",
    ):
        assert client.get(url).status_code == 404, url


def grow() -> None:
    process = Process.objects.get(code=OPEN)
    authors = [make_user(f"grow{n}") for n in range(3)]
    nodes = list(process.nodes.all())
    for n in range(6):
        contribution = services.contribution_submit(
            user=authors[n % 3],
            process=process,
            kind="document",
            title=f"Crescita {n}",
            body="Testo",
            nodes=nodes,
            files=[services.Upload("a.pdf", PDF)],
        )
        services.contribution_report(
            contribution=contribution, user=authors[(n + 1) % 3], reason="spam"
        )
        services.contribution_support(contribution=contribution, user=authors[(n + 2) % 3])
    for n in range(4):
        meeting = make_meeting(code=f"grow-{n}", process=process, zone=process.zones.first())
        meeting.nodes.set(nodes)
        services.meeting_register(meeting=meeting, user=authors[n % 3])
    body = Body.objects.get(code=FORUM)
    for organisation in OrganisationFactory.create_batch(5):
        BodyMember.objects.get_or_create(body=body, organisation=organisation)
    from territori.participation.models import Questionnaire
    from territori.participation.services.questionnaires import response_submit, response_validate

    questionnaire = Questionnaire.objects.get(code=QUESTIONNAIRE)
    questions = list(questionnaire.questions.all())
    for author in authors:
        response_submit(
            questionnaire=questionnaire,
            user=author,
            validated=response_validate(
                questions=questions,
                raw={"ruolo": ["Impresa"], "coinvolto": ["Sì"], "temi": ["Energia"]},
            ),
        )


LISTS = [
    "/partecipa/",
    "/partecipa/incontri/",
    "/partecipa/incontri/incontri.csv",
    "/partecipa/contributi/",
    "/partecipa/contributi/?ordine=supported&stato=received",
    "/partecipa/contributi/esporta.csv",
    f"/partecipa/processi/{OPEN}/",
    f"/partecipa/processi/{OPEN}/incontri.ics",
    f"/partecipa/organismi/{FORUM}/",
    f"/partecipa/questionari/{QUESTIONNAIRE}/risultati/",
    f"/partecipa/questionari/{QUESTIONNAIRE}/risposte.xlsx",
    "/partecipa/newsletter/",
]


@pytest.mark.parametrize("url", LISTS)
def test_query_counts_do_not_grow(client: Client, url: str, forum: Forum) -> None:
    before = count_queries(client, url)
    grow()
    assert count_queries(client, url) == before


@pytest.mark.parametrize("url", ["/staff/partecipazione/moderazione/", "/account/"])
def test_staff_and_account_lists_query_counts(client: Client, url: str, forum: Forum) -> None:
    user = login_as(client, ADMINISTRATOR)
    first = Contribution.objects.first()
    assert first is not None
    services.contribution_report(
        contribution=first, user=user, reason="other"
    )  # the queue is not empty
    before = count_queries(client, url)
    grow()
    process = Process.objects.get(code=OPEN)
    user.participant.email_verified_at = timezone.now()
    for n in range(3):
        services.contribution_submit(
            user=user, process=process, kind="proposal", title=f"Mio {n}", body="T"
        )
        services.meeting_register(meeting=make_meeting(code=f"mine-{n}"), user=user)
    assert count_queries(client, url) == before
