"""Prioritisation: reading and checking ballots, one per person and per organisation, the
results by priority (points, Borda count) and feasibility against hand-computed values,
the pages with their chart, table and downloads, personal data and query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from territori.atlas.models import Organisation
from territori.core.ratelimit import rate_limit_reset
from territori.participation.models import (
    Prioritisation,
    PriorityBallot,
    PriorityChoice,
    PriorityOption,
    Process,
)
from territori.participation.privacy import participant_data, participant_delete
from territori.participation.selectors.priorities import prioritisation_results
from territori.participation.services import ParticipationError
from territori.participation.services.delegations import delegation_decide, delegation_request
from territori.participation.services.priorities import (
    ballot_read,
    ballot_submit,
    ballot_withdraw,
    feasibility_field,
    points_field,
    rank_field,
)
from tests.worlds import OPEN, Forum, participant

from ..conftest import assert_same_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fresh_limits() -> Any:
    rate_limit_reset()
    with translation.override("en"):
        yield


def make_prioritisation(
    *, method: str = "points", code: str = "priorita-prova", options: int = 4, **extra: Any
) -> Prioritisation:
    process = Process.objects.get(code=OPEN)
    now = timezone.now()
    values: dict[str, Any] = {
        "code": code,
        "phase": process.phases.order_by("position").first(),
        "title_it": "Quali proposte prima?",
        "method": method,
        "points": 10,
        "ranked": 3,
        "opens_at": now - dt.timedelta(days=1),
        "closes_at": now + dt.timedelta(days=10),
    }
    values.update(extra)
    prioritisation = Prioritisation.objects.create(**values)
    for position in range(1, options + 1):
        PriorityOption.objects.create(
            prioritisation=prioritisation, position=position, title_it=f"Opzione {position}"
        )
    return prioritisation


def options_of(prioritisation: Prioritisation) -> list[PriorityOption]:
    return list(prioritisation.options.order_by("position"))


def points_raw(
    prioritisation: Prioritisation, points: list[int], feasibility: list[int | None] | None = None
) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    options = options_of(prioritisation)
    for index, option in enumerate(options):
        raw[points_field(option)] = [str(points[index])]
        if feasibility is not None:
            value = feasibility[index]
            raw[feasibility_field(option)] = ["" if value is None else str(value)]
    return raw


def ranks_raw(
    prioritisation: Prioritisation, ranks: list[int | None], feasibility: list[int | None]
) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for index, option in enumerate(options_of(prioritisation)):
        rank = ranks[index]
        raw[rank_field(option)] = ["" if rank is None else str(rank)]
        value = feasibility[index]
        raw[feasibility_field(option)] = ["" if value is None else str(value)]
    return raw


def vote(prioritisation: Prioritisation, user: Any, raw: dict[str, list[str]], **kw: Any) -> Any:
    form = ballot_read(prioritisation=prioritisation, options=options_of(prioritisation), raw=raw)
    assert form.errors == {}, form.errors
    return ballot_submit(prioritisation=prioritisation, user=user, form=form, **kw)


# --- reading and checking a ballot -------------------------------------------------------


def test_points_must_add_up_and_each_bad_field_is_named(forum: Forum) -> None:
    prioritisation = make_prioritisation()
    options = options_of(prioritisation)
    form = ballot_read(
        prioritisation=prioritisation,
        options=options,
        raw=points_raw(prioritisation, [3, 3, 3, 0]),
    )
    assert form.errors == {"__all__": "Share exactly 10 points: you gave 9."}
    form = ballot_read(
        prioritisation=prioritisation,
        options=options,
        raw={
            points_field(options[0]): ["11"],
            points_field(options[1]): ["-1"],
            points_field(options[2]): ["2.5"],
            points_field(options[3]): ["=1+1"],
            feasibility_field(options[0]): ["6"],
        },
    )
    assert set(form.errors) == {
        points_field(options[0]),
        points_field(options[1]),
        points_field(options[2]),
        points_field(options[3]),
        feasibility_field(options[0]),
    }
    assert form.errors[points_field(options[0])] == (
        "“Opzione 1”: the points are a whole number from 0 to 10."
    )
    assert form.errors[feasibility_field(options[0])] == (
        "“Opzione 1”: feasibility is rated from 1 to 5."
    )
    # What was sent is kept, to be shown again.
    assert form.values[points_field(options[3])] == "=1+1"


def test_ranking_needs_each_place_once(forum: Forum) -> None:
    prioritisation = make_prioritisation(method="ranking")
    options = options_of(prioritisation)
    form = ballot_read(
        prioritisation=prioritisation,
        options=options,
        raw=ranks_raw(prioritisation, [1, 1, None, None], [None] * 4),
    )
    assert form.errors == {
        rank_field(options[1]): "“Opzione 2”: place 1 is already given to “Opzione 1”."
    }
    form = ballot_read(
        prioritisation=prioritisation,
        options=options,
        raw=ranks_raw(prioritisation, [1, None, 3, None], [None] * 4),
    )
    assert form.errors == {"__all__": "Give every place from 1 to 3; missing: 2."}
    form = ballot_read(
        prioritisation=prioritisation,
        options=options,
        raw=ranks_raw(prioritisation, [4, None, None, None], [None] * 4),
    )
    assert form.errors == {
        rank_field(options[0]): "“Opzione 1”: the place is a number from 1 to 3."
    }


# --- recording ------------------------------------------------------------------------------


def test_one_ballot_each_changeable_while_open(forum: Forum) -> None:
    prioritisation = make_prioritisation()
    person = forum.participants[0]
    vote(prioritisation, person, points_raw(prioritisation, [10, 0, 0, 0]))
    vote(prioritisation, person, points_raw(prioritisation, [0, 4, 6, 0], [5, None, 2, None]))
    assert PriorityBallot.objects.count() == 1
    choices = {
        c.option.position: (c.points, c.feasibility)
        for c in PriorityChoice.objects.select_related("option")
    }
    assert choices == {2: (4, None), 3: (6, 2), 1: (0, 5)}
    assert ballot_withdraw(prioritisation=prioritisation, user=person)
    assert not PriorityBallot.objects.exists()


def test_an_organisation_votes_once_through_a_verified_delegate_only(forum: Forum) -> None:
    prioritisation = make_prioritisation()
    organisation = Organisation.objects.get(code="ente-prova-a")
    first, second, outsider = forum.participants
    staff = participant("redazione-priorita")
    staff.is_staff = True
    staff.save()
    for delegate in (first, second):
        delegation = delegation_request(user=delegate, organisation=organisation, consent=True)
        delegation_decide(delegation=delegation, approve=True, actor=staff)
    with pytest.raises(ParticipationError, match="not a verified delegate"):
        vote(
            prioritisation,
            outsider,
            points_raw(prioritisation, [10, 0, 0, 0]),
            organisation=organisation,
        )
    vote(
        prioritisation, first, points_raw(prioritisation, [10, 0, 0, 0]), organisation=organisation
    )
    vote(
        prioritisation, second, points_raw(prioritisation, [0, 10, 0, 0]), organisation=organisation
    )
    vote(prioritisation, first, points_raw(prioritisation, [0, 0, 10, 0]))
    ballots = PriorityBallot.objects.order_by("pk")
    assert [(b.user_id, b.organisation_id) for b in ballots] == [
        (second.pk, organisation.pk),  # the organisation's one ballot, last changed by `second`
        (first.pk, None),
    ]


def test_closed_or_unverified_is_refused(forum: Forum) -> None:
    now = timezone.now()
    closed = make_prioritisation(
        code="chiusa", opens_at=now - dt.timedelta(days=5), closes_at=now - dt.timedelta(days=1)
    )
    with pytest.raises(ParticipationError, match="closed"):
        vote(closed, forum.participants[0], points_raw(closed, [10, 0, 0, 0]))
    open_one = make_prioritisation(code="aperta")
    with pytest.raises(ParticipationError, match="Confirm your email"):
        vote(
            open_one,
            participant("non-verificato", verified=False),
            points_raw(open_one, [10, 0, 0, 0]),
        )
    assert not PriorityBallot.objects.exists()


# --- results against hand-computed values ------------------------------------------------


def test_points_results_by_priority_and_feasibility(forum: Forum) -> None:
    """Three ballots of 10 points over four options:
    A: [5, 3, 2, 0], feasibility [4, 2, 5, -]
    B: [0, 6, 4, 0], feasibility [5, 1, 4, 3]
    C: [2, 2, 0, 6], feasibility [-, 2, -, 3]
    Scores 7, 11, 6, 6 (total 30); median of the scores (6, 6, 7, 11) = 6.5.
    Shares 23.33, 36.67, 20.0, 20.0 %. Mean feasibility: 4.5, 1.667, 4.5, 3.0.
    Option 2 ranks first (11), option 1 second (7), options 3 and 4 tie at 6 (position
    decides). High priority: score ≥ 6.5 → options 1 and 2. Feasible: mean > 3 → 1 and 3."""
    prioritisation = make_prioritisation()
    a, b, c = forum.participants
    vote(prioritisation, a, points_raw(prioritisation, [5, 3, 2, 0], [4, 2, 5, None]))
    vote(prioritisation, b, points_raw(prioritisation, [0, 6, 4, 0], [5, 1, 4, 3]))
    vote(prioritisation, c, points_raw(prioritisation, [2, 2, 0, 6], [None, 2, None, 3]))
    results = prioritisation_results(prioritisation=prioritisation)
    assert (results.ballots, results.total, results.median_score) == (3, 30, 6.5)
    got = [
        (r.option.position, r.rank, r.score, r.supporters, r.ratings, r.high_priority, r.feasible)
        for r in results.options
    ]
    assert got == [
        (2, 1, 11, 3, 3, True, False),
        (1, 2, 7, 2, 2, True, True),
        (3, 3, 6, 2, 2, False, True),
        (4, 4, 6, 1, 2, False, False),
    ]
    shares = {r.option.position: r.share for r in results.options}
    feasibility = {r.option.position: r.feasibility for r in results.options}
    assert shares[1] == pytest.approx(23.333, abs=1e-3)
    assert shares[2] == pytest.approx(36.667, abs=1e-3)
    assert feasibility[2] == pytest.approx(5 / 3, abs=1e-9)
    assert feasibility[4] == pytest.approx(3.0, abs=1e-9)
    assert results.options[0].quadrant == "high priority, hard to do"
    assert results.options[1].quadrant == "high priority, feasible"


def test_ranking_results_are_a_borda_count(forum: Forum) -> None:
    """Three places (3, 2, 1 points) over four options:
    A ranks 1→opt1, 2→opt2, 3→opt3; B ranks 1→opt2, 2→opt1, 3→opt4;
    C ranks 1→opt2, 2→opt3, 3→opt1.
    opt1: 3 + 2 + 1 = 6; opt2: 2 + 3 + 3 = 8; opt3: 1 + 0 + 2 = 3; opt4: 0 + 1 + 0 = 1."""
    prioritisation = make_prioritisation(method="ranking")
    a, b, c = forum.participants
    none4: list[int | None] = [None] * 4
    vote(prioritisation, a, ranks_raw(prioritisation, [1, 2, 3, None], none4))
    vote(prioritisation, b, ranks_raw(prioritisation, [2, 1, None, 3], none4))
    vote(prioritisation, c, ranks_raw(prioritisation, [3, 1, 2, None], none4))
    results = prioritisation_results(prioritisation=prioritisation)
    assert [(r.option.position, r.score) for r in results.options] == [
        (2, 8),
        (1, 6),
        (3, 3),
        (4, 1),
    ]
    assert results.total == 18
    assert all(r.feasible is None for r in results.options)
    assert results.options[0].quadrant == "feasibility not rated"


# --- pages --------------------------------------------------------------------------------


def test_ballot_page_flow_keeps_what_was_sent_on_error(client: Client, forum: Forum) -> None:
    prioritisation = make_prioritisation()
    url = f"/en/partecipa/priorita/{prioritisation.code}/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"to take part" in page.content
    client.force_login(forum.participants[0])
    raw = points_raw(prioritisation, [4, 4, 4, 0], [3, 3, 3, 3])
    bad = client.post(url, {k: v[0] for k, v in raw.items()})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Share exactly 10 points: you gave 12." in text
    assert 'value="4"' in text
    assert not PriorityBallot.objects.exists()
    raw = points_raw(prioritisation, [4, 4, 2, 0], [3, 3, 3, 3])
    done = client.post(url, {k: v[0] for k, v in raw.items()})
    assert done.status_code == 302
    assert PriorityBallot.objects.count() == 1
    again = client.get(url).content.decode()
    assert "Your choices were recorded" in again
    withdraw = client.post(url, {"action": "withdraw"})
    assert withdraw.status_code == 302
    assert not PriorityBallot.objects.exists()


def test_results_page_has_chart_table_and_downloads(client: Client, forum: Forum) -> None:
    prioritisation = make_prioritisation()
    PriorityOption.objects.filter(prioritisation=prioritisation, position=4).update(
        title_it='=HYPERLINK("http://x")'
    )
    a, b, _c = forum.participants
    vote(prioritisation, a, points_raw(prioritisation, [5, 3, 2, 0], [4, 2, 5, None]))
    vote(prioritisation, b, points_raw(prioritisation, [0, 6, 0, 4], [5, 1, 4, 3]))
    page = client.get(f"/en/partecipa/priorita/{prioritisation.code}/risultati/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="chart-priorities-table"' in text
    assert "chart-priorities-spec" in text
    data = client.get(f"/partecipa/priorita/{prioritisation.code}/risultati.csv")
    assert data.status_code == 200
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["1", "Opzione 2", "9"]
    assert rows[1][-1] == "confirmed"  # real or illustrative, on every row
    assert not any(cell.startswith("=") for row in rows for cell in row)
    xlsx = client.get(f"/partecipa/priorita/{prioritisation.code}/risultati.xlsx")
    assert xlsx.status_code == 200


def test_results_hidden_while_open_unless_public(client: Client, forum: Forum) -> None:
    prioritisation = make_prioritisation(results_public=False)
    assert client.get(f"/partecipa/priorita/{prioritisation.code}/risultati/").status_code == 403
    assert client.get(f"/partecipa/priorita/{prioritisation.code}/risultati.csv").status_code == 403
    Prioritisation.objects.filter(pk=prioritisation.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1),
        opens_at=timezone.now() - dt.timedelta(days=3),
    )
    assert client.get(f"/partecipa/priorita/{prioritisation.code}/risultati/").status_code == 200


def test_unknown_prioritisation_is_404(client: Client, forum: Forum) -> None:
    assert client.get("/partecipa/priorita/nessuna/").status_code == 404
    assert client.get("/partecipa/priorita/nessuna/risultati/").status_code == 404


def test_results_page_queries_do_not_grow_with_ballots(client: Client, forum: Forum) -> None:
    prioritisation = make_prioritisation()
    vote(
        prioritisation,
        forum.participants[0],
        points_raw(prioritisation, [5, 3, 2, 0], [4, 2, 5, 1]),
    )

    def grow() -> None:
        for n in range(4):
            person = participant(f"votante-{n}")
            vote(prioritisation, person, points_raw(prioritisation, [1, 2, 3, 4], [1, 2, 3, 4]))
        PriorityOption.objects.create(prioritisation=prioritisation, position=9, title_it="Nuova")

    assert_same_queries(client, f"/partecipa/priorita/{prioritisation.code}/risultati/", grow)


def test_ballot_page_queries_do_not_grow_with_options(client: Client, forum: Forum) -> None:
    prioritisation = make_prioritisation()
    client.force_login(forum.participants[0])
    vote(
        prioritisation,
        forum.participants[0],
        points_raw(prioritisation, [5, 3, 2, 0], [4, 2, 5, 1]),
    )

    def grow() -> None:
        for position in range(10, 16):
            PriorityOption.objects.create(
                prioritisation=prioritisation, position=position, title_it=f"Altra {position}"
            )

    assert_same_queries(client, f"/partecipa/priorita/{prioritisation.code}/", grow)


def test_process_page_lists_the_prioritisation(client: Client, forum: Forum) -> None:
    prioritisation = make_prioritisation()
    page = client.get(f"/en/partecipa/processi/{OPEN}/").content.decode()
    assert f"/partecipa/priorita/{prioritisation.code}/" in page


# --- personal data --------------------------------------------------------------------------


def test_ballots_are_in_the_data_download_and_stay_counted_unlinked(forum: Forum) -> None:
    prioritisation = make_prioritisation()
    person = forum.participants[0]
    vote(prioritisation, person, points_raw(prioritisation, [5, 3, 2, 0], [4, None, 5, None]))
    data = participant_data(person)["priority_ballots"]
    assert data[0]["prioritisation"] == prioritisation.code
    assert {c["option"]: c["points"] for c in data[0]["choices"]} == {
        "Opzione 1": 5,
        "Opzione 2": 3,
        "Opzione 3": 2,
    }
    participant_delete(person)
    ballot = PriorityBallot.objects.get()
    assert ballot.user_id is None
    assert prioritisation_results(prioritisation=prioritisation).total == 10


def test_results_api_matches_the_page_and_hides_while_not_public(
    client: Client, forum: Forum
) -> None:
    prioritisation = make_prioritisation()
    a, b, _c = forum.participants
    vote(prioritisation, a, points_raw(prioritisation, [5, 3, 2, 0], [4, 2, 5, None]))
    vote(prioritisation, b, points_raw(prioritisation, [0, 6, 0, 4], [5, 1, 4, 3]))
    data = client.get(f"/api/v1/participation/prioritisations/{prioritisation.code}/results")
    assert data.status_code == 200
    body = data.json()
    assert (body["ballots"], body["total"], body["median_score"]) == (2, 20, 4.5)
    assert body["data_status"] == "confirmed"
    assert [(o["position"], o["score"]) for o in body["options"]] == [
        (2, 9),
        (1, 5),
        (4, 4),
        (3, 2),
    ]
    assert body["options"][0]["feasibility"] == pytest.approx(1.5)
    listing = client.get(f"/api/v1/participation/prioritisations?process={OPEN}").json()
    assert [item["code"] for item in listing["items"]] == [prioritisation.code]
    Prioritisation.objects.filter(pk=prioritisation.pk).update(results_public=False)
    hidden = client.get(f"/api/v1/participation/prioritisations/{prioritisation.code}/results")
    assert hidden.status_code == 403
    missing = client.get("/api/v1/participation/prioritisations/nessuna/results")
    assert missing.status_code == 404
