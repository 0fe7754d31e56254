"""The closed loop: linking a contribution taken up to what it led to (a node, a project, a
programme output), the result's progress on the contribution, the "what we did with your
contributions" page with hand-computed figures, permissions and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone, translation

from territori.atlas.models import Project
from territori.core.audit import AuditEntry
from territori.core.roles import MODERATOR
from territori.frameworks.models import Node
from territori.participation.models import (
    Contribution,
    ContributionOutcome,
    Notification,
    Process,
)
from territori.participation.selectors.outcomes import outcome_views, process_account
from territori.participation.services import ParticipationError, contribution_answer
from territori.participation.services.contributions import contribution_submit
from territori.participation.services.outcomes import outcome_link, outcome_unlink
from territori.programme.models import Action, Output, Programme
from tests.worlds import OPEN, Forum, participant

from ..conftest import assert_same_queries
from ..factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def moderator() -> Any:
    user = participant("moderatrice-esiti")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=MODERATOR))
    return user


def accepted(forum: Forum) -> Contribution:
    return next(c for c in forum.contributions if c.status == Contribution.Status.ACCEPTED)


def make_output(code: str = "1.1.d", outputs: int = 3, programme: str = "prog-prova") -> Action:
    prog, _created = Programme.objects.get_or_create(
        code=programme,
        defaults={"title_it": "Programma di prova", "start": dt.date(2024, 9, 1), "months": 18},
    )
    zero = Decimal("0")
    action = Action.objects.create(
        programme=prog,
        code=code,
        title="Laboratori",
        category="c",
        subcategory="s",
        start=dt.date(2024, 9, 1),
        end=dt.date(2026, 2, 1),
        personale_interno=zero,
        acquisto_servizi=zero,
        spese_generali=zero,
        mase=zero,
        cm=zero,
    )
    for n in range(1, outputs + 1):
        Output.objects.create(action=action, title=f"Prodotto {n}", order=n)
    return action


def test_link_to_a_node_a_project_and_an_output(forum: Forum) -> None:
    contribution = accepted(forum)
    staff = moderator()
    ProjectFactory(
        cup="J11B22000090006",
        progress=None,
        total_funding=Decimal(200000),
        payments=Decimal(50000),
        status=Project.Status.IN_PROGRESS,
    )
    action = make_output()
    outcome_link(
        contribution=contribution,
        kind="node",
        reference="agenda-prova:1.1",
        note_it="Entrata nella Missione.",
        actor=staff,
    )
    outcome_link(
        contribution=contribution, kind="project", reference="j11b22000090006", actor=staff
    )
    outcome_link(contribution=contribution, kind="output", reference="1.1.d/2", actor=staff)
    views = outcome_views(contribution_ids=[contribution.pk])[contribution.pk]
    assert [v.outcome.kind for v in views] == ["node", "project", "output"]
    assert [v.kind_label for v in views][1:] == ["project", "output of the programme"]
    node_view, project_view, output_view = views
    assert node_view.url == Node.objects.get(code="1.1").get_absolute_url()
    assert node_view.status == "no project linked to it yet" and node_view.progress is None
    # No progress recorded: payments over funding, 50,000 / 200,000 = 25 %.
    assert (project_view.status, project_view.progress) == ("in progress", 25)
    second = action.outputs.order_by("order")[1]
    assert output_view.url.endswith(f"#output-{second.pk}")
    assert output_view.progress is None
    Output.objects.filter(pk=second.pk).update(status=Output.Status.DONE)
    assert outcome_views(contribution_ids=[contribution.pk])[contribution.pk][2].progress == 100
    assert AuditEntry.objects.filter(model="participation.contributionoutcome").count() == 3


def test_a_node_shows_the_share_of_its_projects_completed(forum: Forum) -> None:
    contribution = accepted(forum)
    node = Node.objects.get(code="2.1")
    for status in ("completed", "in_progress", "completed", "not_started"):
        ProjectFactory(status=status).nodes.add(node)
    outcome_link(contribution=contribution, kind="node", reference="agenda:2.1", actor=moderator())
    view = outcome_views(contribution_ids=[contribution.pk])[contribution.pk][0]
    assert view.status == "4 projects carry it, 2 completed"
    assert view.progress == 50


@pytest.mark.parametrize(
    ("kind", "reference", "message"),
    [
        ("node", "1.1", "Write the node as FRAMEWORK:CODE"),
        ("node", "agenda:9.9", "No node agenda:9.9"),
        ("project", "nessuno", "No project with the code or CUP nessuno"),
        ("output", "999999", "No output 999999"),
        ("output", "1.1.d/7", "No output 1.1.d/7"),
        ("elsewhere", "x", "Choose what the contribution led to"),
    ],
)
def test_bad_references_are_named(forum: Forum, kind: str, reference: str, message: str) -> None:
    make_output()
    with pytest.raises(ParticipationError, match=message) as caught:
        outcome_link(
            contribution=accepted(forum), kind=kind, reference=reference, actor=moderator()
        )
    assert caught.value.field in ("reference", "kind")
    assert not ContributionOutcome.objects.exists()


def test_only_contributions_taken_up_and_once_per_result(forum: Forum) -> None:
    staff = moderator()
    received = next(c for c in forum.contributions if c.status == Contribution.Status.RECEIVED)
    with pytest.raises(ParticipationError, match="Only an accepted or incorporated"):
        outcome_link(contribution=received, kind="node", reference="agenda:1.1", actor=staff)
    contribution = accepted(forum)
    outcome_link(contribution=contribution, kind="node", reference="agenda:1.1", actor=staff)
    with pytest.raises(ParticipationError, match="already linked"):
        outcome_link(contribution=contribution, kind="node", reference="agenda:1.1", actor=staff)
    assert ContributionOutcome.objects.count() == 1


def test_an_action_code_in_two_programmes_is_ambiguous(forum: Forum) -> None:
    make_output()
    make_output(programme="altro-prog")
    with pytest.raises(ParticipationError, match="More than one programme"):
        outcome_link(
            contribution=accepted(forum), kind="output", reference="1.1.d/1", actor=moderator()
        )


def test_the_author_is_told(forum: Forum, django_capture_on_commit_callbacks: Any) -> None:
    contribution = accepted(forum)
    with django_capture_on_commit_callbacks(execute=True):
        outcome_link(
            contribution=contribution, kind="node", reference="agenda:1.1", actor=moderator()
        )
    note = Notification.objects.get(user=contribution.author, kind=Notification.Kind.OUTCOME)
    assert note.url == f"/partecipa/contributi/{contribution.pk}/"


def test_contribution_page_shows_the_result_and_its_progress(client: Client, forum: Forum) -> None:
    contribution = accepted(forum)
    project = ProjectFactory(progress=40, title="Centro servizi energia")
    outcome_link(
        contribution=contribution,
        kind="project",
        reference=project.code,
        note_it="La proposta è nel progetto.",
        actor=moderator(),
    )
    page = client.get(f"/en/partecipa/contributi/{contribution.pk}/").content.decode()
    assert "What it led to" in page
    assert "Centro servizi energia" in page
    assert 'value="40"' in page
    assert "La proposta è nel progetto." in page


def test_process_account_figures(forum: Forum) -> None:
    """The world's four contributions: accepted, evaluating, received, rejected; two answered.
    Answer delays set to 2 and 6 days: median 4."""
    process = Process.objects.get(code=OPEN)
    answered = Contribution.objects.filter(process=process).exclude(answered_at=None)
    assert answered.count() == 2
    for contribution, days in zip(answered.order_by("pk"), (2, 6), strict=True):
        Contribution.objects.filter(pk=contribution.pk).update(
            answered_at=contribution.created_at + dt.timedelta(days=days)
        )
    account = process_account(process=process)
    assert account.received == 4
    assert {value: n for value, _label, n in account.by_status} == {
        "received": 1,
        "evaluating": 1,
        "accepted": 1,
        "incorporated": 0,
        "rejected": 1,
    }
    assert account.answered == 2
    assert account.median_days == pytest.approx(4.0, abs=1e-6)
    assert [c.status for c, _v in account.taken_up] == ["accepted"]
    assert account.with_result == 0
    assert [c.status for c in account.not_taken_up] == ["rejected"]


def test_process_account_page_and_its_queries(client: Client, forum: Forum) -> None:
    staff = moderator()
    contribution = accepted(forum)
    outcome_link(contribution=contribution, kind="node", reference="agenda:1.1", actor=staff)
    url = f"/en/partecipa/processi/{OPEN}/esiti/"
    page = client.get(url)
    assert page.status_code == 200
    assert "What we did with your contributions" in page.content.decode()

    def grow() -> None:
        process = Process.objects.get(code=OPEN)
        for n in range(3):
            extra = contribution_submit(
                user=forum.participants[n],
                process=process,
                kind="proposal",
                title=f"Altra proposta {n}",
                body="Testo.",
            )
            contribution_answer(
                contribution=extra, status="incorporated", answer="Recepita.", actor=staff
            )
            outcome_link(
                contribution=extra,
                kind="project",
                reference=ProjectFactory(progress=10).code,
                actor=staff,
            )
            outcome_link(contribution=extra, kind="node", reference="agenda:2.1", actor=staff)

    assert_same_queries(client, url, grow)


def test_staff_link_and_unlink_through_the_page(client: Client, forum: Forum) -> None:
    contribution = accepted(forum)
    client.force_login(moderator())
    url = f"/en/staff/partecipazione/contributi/{contribution.pk}/"
    bad = client.post(url, {"form": "outcome", "kind": "node", "reference": "agenda:7.7"})
    assert bad.status_code == 400
    assert "No node agenda:7.7" in bad.content.decode()
    done = client.post(
        url, {"form": "outcome", "kind": "node", "reference": "agenda:1.1", "note_it": "Nota."}
    )
    assert done.status_code == 302
    outcome = ContributionOutcome.objects.get()
    client.post(url, {"form": "unlink", "outcome": "abc"})
    assert ContributionOutcome.objects.exists()
    client.post(url, {"form": "unlink", "outcome": str(outcome.pk)})
    assert not ContributionOutcome.objects.exists()


def test_hidden_contributions_are_counted_not_listed(forum: Forum) -> None:
    contribution = accepted(forum)
    Contribution.objects.filter(pk=contribution.pk).update(
        hidden_at=timezone.now(), hidden_reason="prova"
    )
    account = process_account(process=Process.objects.get(code=OPEN))
    assert account.received == 4
    assert account.taken_up == []


def test_unlink_is_audited(forum: Forum) -> None:
    staff = moderator()
    outcome = outcome_link(
        contribution=accepted(forum), kind="node", reference="agenda:1.1", actor=staff
    )
    outcome_unlink(outcome=outcome, actor=staff)
    assert (
        AuditEntry.objects.filter(
            model="participation.contributionoutcome", action="delete"
        ).count()
        == 1
    )


def test_outcomes_api_lists_visible_contributions_only(client: Client, forum: Forum) -> None:
    staff = moderator()
    contribution = accepted(forum)
    project = ProjectFactory()
    outcome_link(contribution=contribution, kind="node", reference="agenda:1.1", actor=staff)
    outcome_link(contribution=contribution, kind="project", reference=project.code, actor=staff)
    items = client.get("/api/v1/participation/outcomes").json()["items"]
    assert {i["data_status"] for i in items} == {contribution.data_status}
    assert [(i["contribution"], i["kind"], i["node"], i["project"]) for i in items] == [
        (contribution.pk, "node", "agenda-prova:1.1", None),
        (contribution.pk, "project", None, project.code),
    ]
    Contribution.objects.filter(pk=contribution.pk).update(hidden_at=timezone.now())
    assert client.get("/api/v1/participation/outcomes").json()["items"] == []
