"""Prioritisations: what a participant sees, and the results by priority and feasibility."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db.models import Avg, Count, Q, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from territori.core.rows import RowList

from ..models import (
    FEASIBILITY_MAX,
    FEASIBILITY_MIN,
    Prioritisation,
    PriorityBallot,
    PriorityChoice,
    PriorityOption,
    Process,
)

#: The midpoint of the feasibility scale: options rated above it count as feasible.
FEASIBILITY_MIDPOINT = (FEASIBILITY_MIN + FEASIBILITY_MAX) / 2

QUADRANTS = {
    (True, True): _("high priority, feasible"),
    (True, False): _("high priority, hard to do"),
    (False, True): _("lower priority, feasible"),
    (False, False): _("lower priority, hard to do"),
}


def prioritisation_detail(code: str) -> Prioritisation:
    prioritisation = (
        Prioritisation.objects.select_related("phase__process").filter(code=code).first()
    )
    if prioritisation is None:
        raise Http404
    return prioritisation


def prioritisation_options(*, prioritisation: Prioritisation) -> list[PriorityOption]:
    return list(
        prioritisation.options.select_related("contribution", "node__framework").order_by(
            "position"
        )
    )


def own_ballot(
    *, prioritisation: Prioritisation, key: str
) -> tuple[PriorityBallot | None, dict[int, PriorityChoice]]:
    """The ballot under `key` (a person's or an organisation's), with its choices by option."""
    ballot = PriorityBallot.objects.filter(prioritisation=prioritisation, voter_key=key).first()
    if ballot is None:
        return None, {}
    return ballot, {choice.option_id: choice for choice in ballot.choices.all()}


def results_visible(*, prioritisation: Prioritisation, user: Account) -> bool:
    return (
        prioritisation.results_public
        or not prioritisation.is_open()
        or user.has_perm("participation.view_priorityballot")
    )


@dataclass(frozen=True)
class OptionResult:
    option: PriorityOption
    score: int
    share: float | None  # % of all the points given
    supporters: int  # ballots that gave it points or a place
    feasibility: float | None  # mean rating
    ratings: int
    rank: int
    high_priority: bool
    feasible: bool | None  # None: nobody rated it

    @property
    def quadrant(self) -> str:
        if self.feasible is None:
            return str(_("feasibility not rated"))
        return str(QUADRANTS[(self.high_priority, self.feasible)])


@dataclass(frozen=True)
class PrioritisationResults:
    ballots: int
    organisations: int
    total: int
    median_score: float | None
    options: list[OptionResult]


def prioritisation_results(*, prioritisation: Prioritisation) -> PrioritisationResults:
    """Each option's score (with points, the points it received; with ranking, a Borda
    count: from a ballot that ranks k options, the first gets k points, the last 1), its
    share of all the points given, and its mean feasibility (1-5). An option is of high
    priority when its score is at least the median of the options' scores, and feasible
    when its mean rating is above the scale's midpoint (3). Ranked by score, then by
    position. Two queries, whatever the number of ballots."""
    ranking = prioritisation.method == Prioritisation.Method.RANKING
    ballots = PriorityBallot.objects.filter(prioritisation=prioritisation).aggregate(
        n=Count("pk"), organisations=Count("pk", filter=Q(organisation__isnull=False))
    )
    rows = {
        row["pk"]: row
        for row in prioritisation.options.values("pk").annotate(
            points=Sum("choices__points"),
            ranked=Count("choices", filter=Q(choices__rank__isnull=False)),
            rank_sum=Sum("choices__rank"),
            supporters=Count(
                "choices", filter=Q(choices__points__gt=0) | Q(choices__rank__isnull=False)
            ),
            feasibility=Avg("choices__feasibility"),
            ratings=Count("choices__feasibility"),
        )
    }
    options = prioritisation_options(prioritisation=prioritisation)
    places = min(prioritisation.ranked, len(options))
    scores: dict[int, int] = {}
    for option in options:
        row = rows.get(option.pk, {})
        if ranking:
            # Σ (places + 1 − rank) over the ballots that ranked it.
            scores[option.pk] = (places + 1) * (row.get("ranked") or 0) - (row.get("rank_sum") or 0)
        else:
            scores[option.pk] = row.get("points") or 0
    total = sum(scores.values())
    median = statistics.median(scores.values()) if scores and total else None
    ordered = sorted(options, key=lambda o: (-scores[o.pk], o.position))
    results = []
    for rank, option in enumerate(ordered, start=1):
        row = rows.get(option.pk, {})
        mean = row.get("feasibility")
        results.append(
            OptionResult(
                option=option,
                score=scores[option.pk],
                share=100 * scores[option.pk] / total if total else None,
                supporters=row.get("supporters") or 0,
                feasibility=float(mean) if mean is not None else None,
                ratings=row.get("ratings") or 0,
                rank=rank,
                high_priority=median is not None and scores[option.pk] >= median,
                feasible=None if mean is None else float(mean) > FEASIBILITY_MIDPOINT,
            )
        )
    return PrioritisationResults(
        ballots=ballots["n"],
        organisations=ballots["organisations"],
        total=total,
        median_score=median,
        options=results,
    )


def results_table(
    *, results: PrioritisationResults, data_status: str
) -> tuple[list[str], list[list[object]]]:
    header = [
        str(_("Rank")),
        str(_("Option")),
        str(_("Score")),
        str(_("Share of the points (%)")),
        str(_("Ballots that chose it")),
        str(_("Mean feasibility (1-5)")),
        str(_("Feasibility ratings")),
        str(_("Group")),
        str(_("Data status")),
    ]
    rows: list[list[object]] = [
        [
            r.rank,
            r.option.title,
            r.score,
            round(r.share, 1) if r.share is not None else "",
            r.supporters,
            round(r.feasibility, 2) if r.feasibility is not None else "",
            r.ratings,
            r.quadrant,
            data_status,
        ]
        for r in results.options
    ]
    return header, rows


def prioritisations_of(*, process: Process) -> list[Prioritisation]:
    return list(
        Prioritisation.objects.filter(phase__process=process)
        .select_related("phase")
        .annotate(n_options=Count("options", distinct=True))
        .order_by("phase__position", "opens_at", "pk")
    )


def prioritisation_rows(*, process: str | None = None) -> RowList:
    rows = Prioritisation.objects.order_by("opens_at", "id")
    if process:
        rows = rows.filter(phase__process__code=process)
    names = (
        "code",
        "process",
        "phase",
        "title_it",
        "title_en",
        "method",
        "points",
        "ranked",
        "ask_feasibility",
        "opens_at",
        "closes_at",
        "data_status",
    )
    values = rows.values_list(
        "code",
        "phase__process__code",
        "phase__position",
        "title_it",
        "title_en",
        "method",
        "points",
        "ranked",
        "ask_feasibility",
        "opens_at",
        "closes_at",
        "data_status",
    )
    return RowList(values, names)
