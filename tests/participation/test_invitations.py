"""Questionnaire invitations to a process's past participants: who is invited, the emails
with their one-click stop, answering marks the invitation, reminders (a week apart, at most
two, only while open), the response rate, the stop link, preferences and permissions."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from territori.core.ratelimit import rate_limit_reset
from territori.core.roles import EDITOR
from territori.participation.models import (
    Comment,
    Debate,
    Meeting,
    Participant,
    Process,
    Questionnaire,
    QuestionnaireInvitation,
)
from territori.participation.privacy import participant_data
from territori.participation.selectors.questionnaires import invitation_stats
from territori.participation.services import ParticipationError
from territori.participation.services.comments import comment_post
from territori.participation.services.contributions import contribution_support
from territori.participation.services.invitations import (
    invitation_candidates,
    invitations_token,
    questionnaire_invite,
    reminders_send,
)
from territori.participation.services.meetings import meeting_register
from territori.participation.services.questionnaires import response_submit, response_validate
from tests.conftest import assert_same_queries
from tests.worlds import DEBATE, LAB, OPEN, Forum, participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fresh_limits() -> Any:
    rate_limit_reset()
    with translation.override("en"):
        yield


def editor() -> Any:
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(username="redazione-inviti@example.org").first()
    if found is not None:
        return found
    user = participant("redazione-inviti")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=EDITOR))
    return user


def invite(questionnaire: Questionnaire, capture: Any, **kw: Any) -> int:
    with capture(execute=True):
        return questionnaire_invite(questionnaire=questionnaire, actor=editor(), **kw)


def test_candidates_are_the_process_participants_who_accept(forum: Forum) -> None:
    questionnaire = forum.questionnaire
    assert questionnaire.process_id == Process.objects.get(code=OPEN).pk
    supporter = participant("sostenitrice")
    contribution_support(contribution=forum.contributions[1], user=supporter)
    commenter = participant("commentatore")
    comment_post(
        user=commenter,
        kind="debate",
        pk=Debate.objects.get(code=DEBATE).pk,
        body="Un argomento.",
        stance="for",
        consent=True,
    )
    registrant = participant("iscritta")
    meeting_register(meeting=Meeting.objects.get(code=LAB), user=registrant)
    unverified = participant("non-verificata", verified=False)
    contribution_support(contribution=forum.contributions[2], user=unverified)
    declined = participant("niente-inviti")
    contribution_support(contribution=forum.contributions[2], user=declined)
    Participant.objects.filter(user=declined).update(invitations=False)
    gone = participant("disattivata")
    contribution_support(contribution=forum.contributions[2], user=gone)
    gone.is_active = False
    gone.save()
    participant("estranea")  # took part in nothing
    got = set(invitation_candidates(questionnaire=questionnaire))
    expected = {p.pk for p in forum.participants} | {supporter.pk, commenter.pk, registrant.pk}
    assert got == expected
    assert Comment.objects.filter(author=commenter).exists()


def test_invite_sends_emails_once_with_a_one_click_stop(
    forum: Forum, django_capture_on_commit_callbacks: Any
) -> None:
    questionnaire = forum.questionnaire
    mail.outbox.clear()
    assert invite(questionnaire, django_capture_on_commit_callbacks) == 3
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/partecipa/questionari/{questionnaire.code}/" in message.body
    assert "/partecipa/questionari/inviti/stop/" in message.body
    # A second round invites nobody twice.
    assert invite(questionnaire, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 3
    assert QuestionnaireInvitation.objects.count() == 3


def test_closed_or_processless_questionnaires_are_refused(forum: Forum) -> None:
    questionnaire = forum.questionnaire
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    questionnaire.refresh_from_db()
    with pytest.raises(ParticipationError, match="closed"):
        questionnaire_invite(questionnaire=questionnaire, actor=editor())
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        closes_at=timezone.now() + dt.timedelta(days=5), process=None
    )
    questionnaire.refresh_from_db()
    with pytest.raises(ParticipationError, match="belongs to no process"):
        questionnaire_invite(questionnaire=questionnaire, actor=editor())
    assert not QuestionnaireInvitation.objects.exists()


def answer(questionnaire: Questionnaire, user: Any) -> None:
    from tests.worlds import RESPONSES

    questions = list(questionnaire.questions.order_by("position"))
    validated = response_validate(questions=questions, raw=RESPONSES[0])
    response_submit(questionnaire=questionnaire, user=user, validated=validated)


def test_answering_marks_the_invitation_and_the_rate(
    forum: Forum, django_capture_on_commit_callbacks: Any
) -> None:
    questionnaire = forum.questionnaire
    invite(questionnaire, django_capture_on_commit_callbacks)
    answer(questionnaire, forum.participants[1])
    stats = invitation_stats(questionnaire=questionnaire)
    assert (stats.invited, stats.responded, stats.reminded) == (3, 1, 0)
    assert stats.rate == pytest.approx(100 / 3, abs=1e-9)
    # Anonymous questionnaire: the response itself stays unlinked.
    assert not questionnaire.responses.filter(user__isnull=False).exists()


def test_reminders_a_week_apart_at_most_twice_only_while_open(
    forum: Forum, django_capture_on_commit_callbacks: Any
) -> None:
    questionnaire = forum.questionnaire
    start = timezone.now()
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        closes_at=start + dt.timedelta(days=40)
    )
    questionnaire.refresh_from_db()
    invite(questionnaire, django_capture_on_commit_callbacks, now=start)
    answer(questionnaire, forum.participants[0])
    mail.outbox.clear()
    assert reminders_send(now=start + dt.timedelta(days=6)) == 0
    assert reminders_send(now=start + dt.timedelta(days=7, minutes=1)) == 2
    assert all(m.subject.startswith("Promemoria:") for m in mail.outbox)  # in Italian
    assert reminders_send(now=start + dt.timedelta(days=8)) == 0
    assert reminders_send(now=start + dt.timedelta(days=15)) == 2
    assert reminders_send(now=start + dt.timedelta(days=30)) == 0  # at most two
    reminded = QuestionnaireInvitation.objects.filter(reminders=2).count()
    assert reminded == 2
    assert invitation_stats(questionnaire=questionnaire).reminded == 2


def test_no_reminder_after_closing_or_to_those_who_stopped(
    forum: Forum, django_capture_on_commit_callbacks: Any
) -> None:
    questionnaire = forum.questionnaire
    start = timezone.now()
    invite(questionnaire, django_capture_on_commit_callbacks, now=start)
    Participant.objects.filter(user=forum.participants[0]).update(invitations=False)
    mail.outbox.clear()
    assert reminders_send(now=start + dt.timedelta(days=8)) == 2
    Questionnaire.objects.filter(pk=questionnaire.pk).update(closes_at=start + dt.timedelta(days=9))
    assert reminders_send(now=start + dt.timedelta(days=16)) == 0


def test_reminder_command(forum: Forum, django_capture_on_commit_callbacks: Any) -> None:
    questionnaire = forum.questionnaire
    invite(
        questionnaire, django_capture_on_commit_callbacks, now=timezone.now() - dt.timedelta(days=8)
    )
    out = io.StringIO()
    call_command("send_questionnaire_reminders", stdout=out)
    assert out.getvalue().strip() == "3 questionnaire reminder(s) sent"


def test_stop_link(client: Client, forum: Forum) -> None:
    person = forum.participants[0]
    url = f"/en/partecipa/questionari/inviti/stop/{invitations_token(user_id=person.pk)}/"
    assert client.get(url).status_code == 200
    assert Participant.objects.get(user=person).invitations is True
    done = client.post(url)  # as a mail client's one-click POST: no CSRF token
    assert done.status_code == 200
    assert Participant.objects.get(user=person).invitations is False
    bad = client.post("/en/partecipa/questionari/inviti/stop/falso/")
    assert bad.status_code == 400
    assert "This link is not valid." in bad.content.decode()


def test_preference_on_the_notifications_page(client: Client, forum: Forum) -> None:
    person = forum.participants[0]
    client.force_login(person)
    response = client.post("/en/account/notifiche/", {"form": "digest", "digest": "none"})
    assert response.status_code == 302
    assert Participant.objects.get(user=person).invitations is False
    client.post("/en/account/notifiche/", {"form": "digest", "digest": "none", "invitations": "on"})
    assert Participant.objects.get(user=person).invitations is True


def test_staff_page_invites_and_shows_the_rate(client: Client, forum: Forum) -> None:
    questionnaire = forum.questionnaire
    url = f"/en/staff/partecipazione/questionari/{questionnaire.code}/inviti/"
    client.force_login(forum.participants[0])
    assert client.get(url).status_code == 403
    client.force_login(editor())
    page = client.get(url).content.decode()
    assert re.search(r"Past participants not invited yet</th><td>3<", page)
    assert client.post(url, {}).status_code == 400
    done = client.post(url, {"confirm": "on"})
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert re.search(r"Invited</th><td>3<", page)
    assert re.search(r"Response rate</th><td>0\.0%<", page)


def test_invitations_in_the_data_download(
    forum: Forum, django_capture_on_commit_callbacks: Any
) -> None:
    invite(forum.questionnaire, django_capture_on_commit_callbacks)
    data = participant_data(forum.participants[0])["questionnaire_invitations"]
    assert data == [
        {
            "questionnaire": forum.questionnaire.code,
            "invited": data[0]["invited"],
            "reminders": 0,
            "answered": False,
        }
    ]


def test_staff_page_queries_do_not_grow(
    client: Client, forum: Forum, django_capture_on_commit_callbacks: Any
) -> None:
    questionnaire = forum.questionnaire
    invite(questionnaire, django_capture_on_commit_callbacks)
    client.force_login(editor())
    url = f"/en/staff/partecipazione/questionari/{questionnaire.code}/inviti/"

    def grow() -> None:
        for n in range(4):
            person = participant(f"altra-persona-{n}")
            contribution_support(contribution=forum.contributions[n % 3], user=person)
        invite(questionnaire, django_capture_on_commit_callbacks)
        answer(questionnaire, forum.participants[0])

    assert_same_queries(client, url, grow)
    assert QuestionnaireInvitation.objects.filter(questionnaire=questionnaire).count() == 7
