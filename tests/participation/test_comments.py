"""Comments and debates: who may write where, threads one level deep with the rest folded,
reports and moderation, closing a debate, notifications to the people concerned, bad input
kept, permissions and query counts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone, translation

from territori.core.ratelimit import rate_limit_reset
from territori.core.roles import MODERATOR
from territori.frameworks.models import Node
from territori.participation.models import (
    Comment,
    ConsentRecord,
    Debate,
    Meeting,
    Notification,
    ProcessPhase,
)
from territori.participation.services import ParticipationError
from territori.participation.services.comments import (
    comment_hide,
    comment_post,
    comment_restore,
    debate_close,
)
from tests.worlds import LAB, OPEN, Forum, participant

from ..conftest import assert_same_queries

pytestmark = pytest.mark.django_db

CONTRIBUTION = Comment.Target.CONTRIBUTION


@pytest.fixture(autouse=True)
def _fresh_limits() -> Any:
    """Fresh rate limits; the services' messages in English (the pages choose their own)."""
    rate_limit_reset()
    with translation.override("en"):
        yield


def _debate(forum: Forum, code: str = "dibattito-prova") -> Debate:
    return Debate.objects.create(
        process=forum.open,
        phase=forum.open.phases.first(),
        code=code,
        title_it="Linee fisse o servizio a chiamata?",
    )


def _post(user: Any, target: Any, body: str = "Un commento.", **kwargs: Any) -> Comment:
    kind = kwargs.pop("kind", CONTRIBUTION if not isinstance(target, Debate) else "debate")
    return comment_post(user=user, kind=kind, pk=target.pk, body=body, consent=True, **kwargs)


def _moderator() -> Any:
    user = participant("moderatore-prova")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=MODERATOR))
    return user


# --- Writing: who, where, what ------------------------------------------------------------------


def test_a_comment_and_its_replies_notify_the_people_concerned(forum: Forum) -> None:
    author, other, third = forum.participants
    contribution = next(c for c in forum.contributions if c.author_id == author.pk)
    Notification.objects.all().delete()  # the world's answers told their authors
    first = _post(other, contribution, "Sono d'accordo.")
    assert first.depth == 0 and first.author_name == "partecipante-prova-2"
    # the contribution's author is told, the commenter is not
    assert list(Notification.objects.values_list("user_id", "kind")) == [(author.pk, "comment")]
    reply = _post(third, contribution, "Anch'io.", parent=first)
    assert reply.depth == 1 and reply.parent_id == first.pk
    told = set(
        Notification.objects.filter(url__endswith=f"#commento-{reply.pk}").values_list(
            "user_id", "kind"
        )
    )
    assert told == {(other.pk, "reply"), (author.pk, "comment")}
    # answering oneself tells nobody new but the contribution's author
    Notification.objects.all().delete()
    _post(third, contribution, "Preciso.", parent=reply)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {author.pk}


def test_the_first_comment_asks_for_consent_recorded_once(forum: Forum) -> None:
    user = forum.participants[1]
    contribution = forum.contributions[0]
    with pytest.raises(ParticipationError, match="Agree to the publication") as refused:
        comment_post(user=user, kind=CONTRIBUTION, pk=contribution.pk, body="Testo")
    assert refused.value.field == "consent" and not Comment.objects.exists()
    _post(user, contribution)
    comment_post(user=user, kind=CONTRIBUTION, pk=contribution.pk, body="Di nuovo")  # no box
    records = ConsentRecord.objects.filter(user=user, purpose="comment")
    assert records.count() == 1 and "comments" in records.get().text


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ("   ", "body", "The text is required"),
        ("x" * 3001, "body", "at most 3000 characters (this one has 3001)"),
    ],
)
def test_bad_text_is_refused_naming_the_field(
    forum: Forum, body: str, field: str, message: str
) -> None:
    with pytest.raises(ParticipationError, match=re.escape(message)) as e:
        _post(forum.participants[0], forum.contributions[1], body)
    assert e.value.field == field and not Comment.objects.exists()


def test_text_is_kept_plain(forum: Forum, client: Client) -> None:
    comment = _post(
        forum.participants[0],
        forum.contributions[1],
        "<script>alert(1)</script>\x00\x07 riga\r\ndue",
    )
    assert comment.body == "<script>alert(1)</script> riga\ndue"
    page = client.get(f"/partecipa/contributi/{forum.contributions[1].pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_where_comments_are_closed(forum: Forum) -> None:
    user = forum.participants[0]
    unverified = participant("non-verificato", verified=False)
    contribution = forum.contributions[1]
    with pytest.raises(ParticipationError, match="Confirm your email"):
        _post(unverified, contribution)
    # a phase can switch comments off
    ProcessPhase.objects.filter(process=forum.open).update(comments_open=False)
    with pytest.raises(ParticipationError, match="closed in this phase"):
        _post(user, contribution)
    ProcessPhase.objects.filter(process=forum.open).update(comments_open=True)
    # a meeting only once it has taken place
    lab = Meeting.objects.get(code=LAB)
    with pytest.raises(ParticipationError, match="once the meeting has taken place"):
        _post(user, lab, kind="meeting")
    Meeting.objects.filter(pk=lab.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=2),
        ends_at=timezone.now() - dt.timedelta(days=2, hours=-2),
    )
    assert _post(user, Meeting.objects.get(pk=lab.pk), kind="meeting").target_kind == "meeting"
    # arguments belong to debates; a closed debate takes no more
    with pytest.raises(ParticipationError, match="belong to debates") as e:
        _post(user, contribution, stance="for")
    assert e.value.field == "stance"
    debate = _debate(forum)
    assert _post(user, debate, "A favore.", stance="for").stance == "for"
    debate_close(debate=debate, conclusions_it="Sintesi.", actor=_moderator())
    with pytest.raises(ParticipationError, match="debate is closed"):
        _post(user, debate)
    # a hidden contribution cannot be commented; an unknown kind neither
    with pytest.raises(ParticipationError, match="nothing to comment"):
        _post(user, contribution, kind="planet")


def test_a_reply_goes_under_its_comment_and_never_to_a_hidden_one(forum: Forum) -> None:
    user, other, _third = forum.participants
    first, second = forum.contributions[0], forum.contributions[1]
    comment = _post(user, first)
    with pytest.raises(ParticipationError, match="not about the same item"):
        _post(other, second, parent=comment)
    comment_hide(comment=comment, reason="Fuori tema", actor=_moderator())
    with pytest.raises(ParticipationError, match="hidden"):
        _post(other, first, parent=comment)


# --- Reading: the thread as shown -------------------------------------------------------------


def test_one_level_of_replies_is_shown_deeper_ones_folded(forum: Forum, client: Client) -> None:
    a, b, c = forum.participants
    contribution = forum.contributions[1]
    top = _post(a, contribution, "Primo livello.")
    reply = _post(b, contribution, "Secondo livello.", parent=top)
    deep = _post(c, contribution, "Terzo livello.", parent=reply)
    deeper = _post(a, contribution, "Quarto livello.", parent=deep)
    page = client.get(f"/partecipa/contributi/{contribution.pk}/").content.decode()
    section = page.split('id="commenti"')[1]
    assert "Comments (4)" in section or "Commenti (4)" in section
    shown, folded = section.split('<details class="mb-2">', 1)
    assert "Primo livello." in shown and "Secondo livello." in shown
    assert "Terzo livello." not in shown and "Quarto livello." in folded
    assert f'href="#commento-{deep.pk}"' in folded  # "in reply to" its parent
    assert deeper.depth == 3


def test_a_hidden_comment_keeps_its_place_and_its_text_for_the_moderators(
    forum: Forum, client: Client
) -> None:
    a, b, _c = forum.participants
    contribution = forum.contributions[1]
    top = _post(a, contribution, "Testo da nascondere.")
    _post(b, contribution, "Risposta che resta.", parent=top)
    moderator = _moderator()
    comment_hide(comment=top, reason="Dati personali", actor=moderator)
    url = f"/partecipa/contributi/{contribution.pk}/"
    page = client.get(url).content.decode()
    assert "Testo da nascondere." not in page and "Risposta che resta." in page
    assert "Hidden by the moderators" in page or "Nascosto dai moderatori" in page
    client.force_login(moderator)
    assert "Testo da nascondere." in client.get(url).content.decode()
    comment_restore(comment=top, actor=moderator)
    client.logout()
    assert "Testo da nascondere." in client.get(url).content.decode()


def test_the_pages_queries_do_not_grow_with_the_comments(forum: Forum, client: Client) -> None:
    a, b, c = forum.participants
    contribution = forum.contributions[1]
    debate = _debate(forum)
    _post(a, contribution)
    _post(a, debate, stance="for")
    _post(c, contribution)  # the viewer has agreed to publication (no consent box)

    def grow() -> None:
        for n in range(6):
            top = _post(b, contribution, f"Altro {n}")
            reply = _post(c, contribution, f"Risposta {n}", parent=top)
            _post(a, contribution, f"Più giù {n}", parent=reply)
            _post(b, debate, f"Contro {n}", stance="against")

    client.force_login(c)
    for url in (
        f"/partecipa/contributi/{contribution.pk}/",
        f"/partecipa/dibattiti/{debate.code}/",
    ):
        assert_same_queries(client, url, grow)


# --- Through the pages ------------------------------------------------------------------------


def test_comment_reply_and_report_through_the_pages(forum: Forum, client: Client) -> None:
    author, other, _third = forum.participants
    contribution = next(c for c in forum.contributions if c.author_id == author.pk)
    url = f"/partecipa/contributi/{contribution.pk}/"
    client.force_login(other)
    form = client.get(url).content.decode()
    assert 'name="consent"' in form  # asked once
    action = f"/partecipa/commenti/contribution/{contribution.pk}/"
    refused = client.post(action, {"body": "Mio testo importante"})
    assert refused.status_code == 400 and not Comment.objects.exists()
    assert "Mio testo importante" in refused.content.decode()  # nothing lost
    done = client.post(action, {"body": "Mio testo importante", "consent": "on"})
    comment = Comment.objects.get()
    assert done.status_code == 302 and done["Location"] == f"{url}#commento-{comment.pk}"
    assert 'name="consent"' not in client.get(url).content.decode()
    client.force_login(author)
    client.post(action, {"body": "Grazie!", "parent": comment.pk, "consent": "on"})
    reply = Comment.objects.get(parent=comment)
    assert reply.depth == 1
    client.post(f"/partecipa/commento/{reply.pk}/segnala/", {"reason": "planet"})
    assert not reply.reports.exists()
    client.force_login(other)
    client.post(f"/partecipa/commento/{reply.pk}/segnala/", {"reason": "off_topic"})
    assert reply.reports.get().reason == "off_topic"
    moderator = Client()
    moderator.force_login(_moderator())
    queue = moderator.get("/staff/partecipazione/moderazione/").content.decode()
    assert f"/staff/partecipazione/commenti/{reply.pk}/" in queue
    hidden = moderator.post(
        f"/staff/partecipazione/commenti/{reply.pk}/", {"form": "hide", "reason": ""}
    )
    assert hidden.status_code == 400
    moderator.post(
        f"/staff/partecipazione/commenti/{reply.pk}/", {"form": "hide", "reason": "Fuori tema"}
    )
    reply.refresh_from_db()
    assert reply.is_hidden and reply.reports.get().outcome == "hidden"
    # the author was told of the comment on their contribution
    client.force_login(author)
    notes = client.get("/account/notifiche/").content.decode()
    assert contribution.title in notes and f"#commento-{comment.pk}" in notes
    client.post("/account/notifiche/")
    assert not Notification.objects.filter(user=author, read_at=None).exists()


def test_a_debate_from_arguments_to_its_summary(forum: Forum, client: Client) -> None:
    a, b, _c = forum.participants
    debate = _debate(forum)
    client.force_login(a)
    client.post(
        f"/partecipa/commenti/debate/{debate.pk}/",
        {"body": "Costa meno.", "stance": "for", "consent": "on"},
    )
    client.force_login(b)
    client.post(
        f"/partecipa/commenti/debate/{debate.pk}/",
        {"body": "Orari incerti.", "stance": "against", "consent": "on"},
    )
    page = client.get(f"/partecipa/dibattiti/{debate.code}/").content.decode()
    assert "Costa meno." in page and "Orari incerti." in page
    process = client.get(f"/partecipa/processi/{OPEN}/").content.decode()
    assert f"/partecipa/dibattiti/{debate.code}/" in process
    moderator = Client()
    moderator.force_login(_moderator())
    close = f"/staff/partecipazione/dibattiti/{debate.code}/chiudi/"
    assert moderator.post(close, {"conclusions_it": " "}).status_code == 400
    moderator.post(close, {"conclusions_it": "Prevale il servizio a chiamata con corsa fissa."})
    debate.refresh_from_db()
    assert debate.is_closed and debate.moderator is not None
    page = client.get(f"/partecipa/dibattiti/{debate.code}/").content.decode()
    assert "Prevale il servizio a chiamata" in page and 'name="body"' not in page
    told = set(Notification.objects.filter(kind="debate").values_list("user_id", flat=True))
    assert told == {a.pk, b.pk}


def test_a_mission_a_project_and_a_report_take_comments(forum: Forum, client: Client) -> None:
    from tests.factories import ProjectFactory

    user = forum.participants[0]
    mission = Node.objects.get(framework__code="agenda-prova", code="1.1")
    project = ProjectFactory(title="Progetto commentato")
    client.force_login(user)
    for kind, pk in (("node", mission.pk), ("project", project.pk)):
        answer = client.post(
            f"/partecipa/commenti/{kind}/{pk}/", {"body": "Bene.", "consent": "on"}
        )
        assert answer.status_code == 302, kind
    assert Comment.objects.filter(target_kind="project", target_id=project.pk).exists()
    assert "Bene." in client.get(f"/atlante/progetti/{project.code}/").content.decode()
    # an item that does not exist, or a report not published, is not there to comment
    assert client.post("/partecipa/commenti/report/999999/", {"body": "x"}).status_code == 404
    assert client.post("/partecipa/commenti/planet/1/", {"body": "x"}).status_code == 404


def test_comments_are_rate_limited(forum: Forum, client: Client) -> None:
    client.force_login(forum.participants[0])
    action = f"/partecipa/commenti/contribution/{forum.contributions[1].pk}/"
    statuses = [
        client.post(action, {"body": f"Commento {n}", "consent": "on"}).status_code
        for n in range(31)
    ]
    assert statuses[:30] == [302] * 30 and statuses[30] == 429


def test_a_debate_in_the_participation_file(forum: Forum) -> None:
    from territori.participation.services.loading import participation_import

    text = f"""
debates:
- code: dibattito-file
  process: {OPEN}
  phase: 1
  title_it: Una domanda
  nodes: [agenda:1.1]
  opened_at: 2026-02-01 09:00
- code: dibattito-chiuso-male
  process: {OPEN}
  title_it: Chiuso senza sintesi
  opened_at: 2026-02-01 09:00
  closed_at: 2026-03-01 09:00
"""
    report = participation_import(data=text.encode(), channel="test")
    assert report.errors and "closing summary" in str(report.errors[0])
    assert report.errors[0].row == 9 and not Debate.objects.filter(code="dibattito-file").exists()
    good = text.split("- code: dibattito-chiuso-male")[0]
    report = participation_import(data=good.encode(), channel="test")
    assert report.errors == []
    debate = Debate.objects.get(code="dibattito-file")
    assert debate.phase is not None and [n.code for n in debate.nodes.all()] == ["1.1"]
