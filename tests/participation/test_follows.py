"""Following and notifications: what followers are told (comments, answers, new meetings,
project updates, new assessments), emails at once or as daily and weekly summaries, one-click
unsubscribe, preferences, the person's own data, query counts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from territori.core.ratelimit import rate_limit_reset
from territori.frameworks.models import Node
from territori.participation.models import Follow, Notification, Participant
from territori.participation.privacy import participant_data, participant_delete
from territori.participation.services.comments import comment_post
from territori.participation.services.contributions import contribution_answer
from territori.participation.services.follows import (
    digest_unsubscribe,
    follow_toggle,
    unsubscribe_token,
)
from territori.participation.services.loading import participation_import
from tests.worlds import OPEN, Forum, participant

from ..conftest import assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fresh_limits() -> Any:
    rate_limit_reset()
    with translation.override("en"):
        yield


@pytest.fixture
def follower(forum: Forum) -> Any:
    """Someone who follows nothing yet, with no notifications."""
    Notification.objects.all().delete()
    return participant("seguace-prova")


def _told(user: Any) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("kind", "title"))


def test_followers_hear_of_comments_and_answers(forum: Forum, follower: Any) -> None:
    contribution = forum.contributions[1]
    follow_toggle(user=follower, kind="contribution", pk=contribution.pk)
    comment_post(
        user=forum.participants[2],
        kind="contribution",
        pk=contribution.pk,
        body="Buona idea.",
        consent=True,
    )
    contribution_answer(contribution=contribution, status="accepted", answer="Accolta.", actor=None)
    assert _told(follower) == [
        ("comment", contribution.title),
        ("answer", contribution.title),
    ]
    # the one who wrote is never told of their own comment
    assert not Notification.objects.filter(user=forum.participants[2], kind="comment").exists()
    # unfollowing stops it
    assert follow_toggle(user=follower, kind="contribution", pk=contribution.pk) is False
    contribution_answer(
        contribution=contribution, status="incorporated", answer="Recepita.", actor=None
    )
    assert len(_told(follower)) == 2


def test_a_new_meeting_reaches_the_followers_of_its_process_missions_and_zone(
    forum: Forum, follower: Any
) -> None:
    others = [participant(f"altro-{n}") for n in range(3)]
    mission = Node.objects.get(framework__code="agenda-prova", code="2.1")
    from territori.territories.selectors import home_zones

    zone = next(z for z in home_zones() if z.number == 10)
    follow_toggle(user=follower, kind="process", pk=forum.open.pk)
    follow_toggle(user=others[0], kind="node", pk=mission.pk)
    follow_toggle(user=others[1], kind="zone", pk=zone.pk)
    text = f"""
meetings:
- code: incontro-annunciato
  kind: lab
  title_it: Incontro annunciato
  process: {OPEN}
  phase: 1
  zone: 10
  nodes: [agenda:2.1]
  starts_at: {timezone.localdate() + dt.timedelta(days=9)} 18:00
  ends_at: {timezone.localdate() + dt.timedelta(days=9)} 20:00
"""
    assert participation_import(data=text.encode(), channel="test").errors == []
    for person in (follower, others[0], others[1]):
        assert _told(person) == [("meeting", "Incontro annunciato")], person
    assert _told(others[2]) == []
    # loading the same file again announces nothing new
    assert participation_import(data=text.encode(), channel="test").errors == []
    assert len(_told(follower)) == 1


def test_project_updates_and_new_assessments_reach_their_followers(
    forum: Forum, follower: Any
) -> None:
    from territori.atlas.services import project_update_add
    from territori.core.signals import results_refreshed
    from tests.factories import IndicatorFactory, ProjectFactory

    project = ProjectFactory(title="Progetto seguito")
    follow_toggle(user=follower, kind="project", pk=project.pk)
    project_update_add(project=project, text="Cantiere avviato", actor=None, progress=10)
    mission = Node.objects.get(framework__code="agenda-prova", code="1.1")
    other_mission = Node.objects.get(framework__code="agenda-prova", code="2.1")
    IndicatorFactory(code="IND-SEGUITO").nodes.add(mission)
    follow_toggle(user=follower, kind="node", pk=mission.pk)
    follow_toggle(user=follower, kind="node", pk=other_mission.pk)
    results_refreshed.send(sender=None, codes=["IND-SEGUITO"])
    told = _told(follower)
    assert told[0] == ("project", "Progetto seguito")
    assert [kind for kind, _title in told[1:]] == ["assessment"]  # only the Mission with it
    assert "1.1" in told[1][1]


def test_a_change_rolled_back_tells_nobody(forum: Forum, follower: Any) -> None:
    contribution = forum.contributions[1]
    follow_toggle(user=follower, kind="contribution", pk=contribution.pk)

    @transaction.atomic
    def answer_then_fail() -> None:
        contribution_answer(
            contribution=contribution, status="accepted", answer="Accolta.", actor=None
        )
        raise RuntimeError("the change fails after the answer")

    with pytest.raises(RuntimeError):
        answer_then_fail()
    assert _told(follower) == []


def test_emails_at_once_and_as_summaries_with_one_click_unsubscribe(
    forum: Forum, follower: Any, client: Client
) -> None:
    contribution = forum.contributions[1]
    Participant.objects.filter(user=follower).update(digest="immediate")
    daily = participant("riassunto-giornaliero")
    weekly = participant("riassunto-settimanale")
    Participant.objects.filter(user=daily).update(digest="daily")
    Participant.objects.filter(user=weekly).update(digest="weekly")
    for person in (follower, daily, weekly):
        follow_toggle(user=person, kind="contribution", pk=contribution.pk)
    mail.outbox.clear()
    contribution_answer(contribution=contribution, status="accepted", answer="Sì.", actor=None)
    # at once: one email for the one who chose it
    assert [m.to for m in mail.outbox] == [[follower.email]]
    message = mail.outbox[0]
    assert contribution.title in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    # the daily summary: only the daily reader, once
    mail.outbox.clear()
    call_command("send_digests", "daily", "--now", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [[daily.email]]
    assert contribution.title in mail.outbox[0].body
    call_command("send_digests", "daily", "--now", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # nothing new to say
    call_command("send_digests", "weekly", "--now", stdout=io.StringIO())
    assert [m.to for m in mail.outbox[1:]] == [[weekly.email]]
    # one click (the mail client's POST, no CSRF token) stops the emails, not the site's
    path = unsubscribe.split("8000", 1)[-1] if "8000" in unsubscribe else unsubscribe
    path = "/" + path.split("/", 3)[-1] if path.startswith("http") else path
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.get(path).status_code == 200
    stopped = csrf_client.post("/en" + path)  # the link itself is in Italian
    assert stopped.status_code == 200
    assert "You will receive no more notification emails." in stopped.content.decode()
    assert Participant.objects.get(user=follower).digest == "none"
    refused = csrf_client.post("/en/account/notifiche/disiscriviti/falso/")
    assert refused.status_code == 400
    assert "This unsubscribe link is not valid." in refused.content.decode()
    with translation.override("en"), pytest.raises(Exception, match="not valid"):
        digest_unsubscribe(token=unsubscribe_token(user_id=follower.pk) + "x")


def test_follow_from_a_page_and_choose_emails(forum: Forum, follower: Any, client: Client) -> None:
    client.force_login(follower)
    url = f"/partecipa/processi/{OPEN}/"
    page = client.get(url).content.decode()
    assert f'action="/partecipa/segui/process/{forum.open.pk}/"' in page
    answer = client.post(f"/partecipa/segui/process/{forum.open.pk}/", {"next": url})
    assert answer.status_code == 302 and answer["Location"] == url
    assert Follow.objects.filter(user=follower, target_kind="process").exists()
    assert 'aria-pressed="true"' in client.get(url).content.decode()
    # a "next" to another site is not followed
    answer = client.post(
        f"/partecipa/segui/process/{forum.open.pk}/", {"next": "https://esempio.invalid/"}
    )
    assert answer["Location"] == url and not Follow.objects.filter(user=follower).exists()
    assert client.post("/partecipa/segui/planet/1/").status_code == 404
    assert client.post("/partecipa/segui/process/999999/").status_code == 404
    # preferences
    refused = client.post("/account/notifiche/", {"form": "digest", "digest": "hourly"})
    assert refused.status_code == 400 and Participant.objects.get(user=follower).digest == "none"
    client.post("/account/notifiche/", {"form": "digest", "digest": "weekly"})
    assert Participant.objects.get(user=follower).digest == "weekly"


def test_the_notifications_page_queries_do_not_grow(
    forum: Forum, follower: Any, client: Client
) -> None:
    from tests.factories import ProjectFactory

    client.force_login(follower)
    follow_toggle(user=follower, kind="process", pk=forum.open.pk)
    follow_toggle(user=follower, kind="contribution", pk=forum.contributions[0].pk)
    follow_toggle(user=follower, kind="project", pk=ProjectFactory().pk)
    counter = iter(range(100))

    def grow() -> None:
        for contribution in forum.contributions[1:]:
            follow_toggle(user=follower, kind="contribution", pk=contribution.pk)
        for _ in range(3):
            follow_toggle(user=follower, kind="project", pk=ProjectFactory().pk)
        Notification.objects.bulk_create(
            Notification(user=follower, kind="comment", title=f"N {next(counter)}", url="/")
            for _ in range(10)
        )

    assert_same_queries(client, "/account/notifiche/", grow)


def test_the_person_s_data_and_its_deletion(forum: Forum, follower: Any) -> None:
    contribution = forum.contributions[1]
    follow_toggle(user=follower, kind="contribution", pk=contribution.pk)
    comment = comment_post(
        user=follower,
        kind="contribution",
        pk=contribution.pk,
        body="Il mio commento.",
        consent=True,
    )
    contribution_answer(contribution=contribution, status="accepted", answer="Sì.", actor=None)
    data = participant_data(follower)
    assert [c["text"] for c in data["comments"]] == ["Il mio commento."]
    assert data["follows"] == [
        {"kind": "contribution", "item": contribution.pk, "since": data["follows"][0]["since"]}
    ]
    assert [n["kind"] for n in data["notifications"]] == ["answer"]
    assert data["account"]["notifications_by_email"] == "none"
    participant_delete(follower)
    comment.refresh_from_db()
    assert comment.author is None and comment.author_name == "partecipante rimosso"
    assert comment.body == "Il mio commento."  # the public record stays readable
    assert not Follow.objects.filter(user_id=follower.pk).exists()
