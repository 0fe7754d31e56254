"""Prioritisation pages: the ballot (as oneself or for an organisation), the results by
priority and feasibility with their chart, table and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from territori.atlas.models import Organisation
from territori.presentation.charts import priority_feasibility_chart
from territori.presentation.downloads import table_response

from .. import selectors
from ..decorators import rate_limit
from ..models import (
    FEASIBILITY_MAX,
    FEASIBILITY_MIN,
    Prioritisation,
    PriorityBallot,
    PriorityChoice,
)
from ..selectors.delegations import organisations_of
from ..selectors.priorities import (
    FEASIBILITY_MIDPOINT,
    own_ballot,
    prioritisation_detail,
    prioritisation_options,
    prioritisation_results,
    results_table,
    results_visible,
)
from ..services import ParticipationError
from ..services.priorities import (
    BallotForm,
    ballot_read,
    ballot_submit,
    ballot_withdraw,
    feasibility_field,
    points_field,
    rank_field,
    voter_key,
)


def _acting_for(request: HttpRequest, organisations: list[Organisation]) -> Organisation | None:
    """The organisation chosen in `per` (query or form), if the person is its delegate."""
    wanted = request.POST.get("per") or request.GET.get("per") or ""
    return next((o for o in organisations if str(o.pk) == wanted), None)


@rate_limit("prioritisation", limit=60, period=3600, per_user=True)
def prioritisation_view(request: HttpRequest, code: str) -> HttpResponse:
    prioritisation = prioritisation_detail(code)
    options = prioritisation_options(prioritisation=prioritisation)
    user = request.user
    signed_in = user.is_authenticated
    organisations = organisations_of(user=user) if signed_in else []
    acting_for = _acting_for(request, organisations)
    form = BallotForm()
    status = 200
    if request.method == "POST":
        if not signed_in:
            return redirect(f"{reverse('participation:login')}?next={request.path}")
        try:
            if request.POST.get("action") == "withdraw":
                if ballot_withdraw(
                    prioritisation=prioritisation, user=user, organisation=acting_for
                ):
                    messages.success(request, _("Your choices are withdrawn."))
                return redirect("participation:prioritisation", code=code)
            form = ballot_read(prioritisation=prioritisation, options=options, raw=request.POST)
            if not form.errors:
                ballot_submit(
                    prioritisation=prioritisation,
                    user=user,
                    form=form,
                    organisation=acting_for,
                )
                messages.success(request, _("Your choices are recorded. Thank you."))
                target = reverse("participation:prioritisation", kwargs={"code": code})
                return redirect(target + (f"?per={acting_for.pk}" if acting_for else ""))
        except ParticipationError as exc:
            form.errors["__all__"] = str(exc)
        status = 400
    ballot: PriorityBallot | None = None
    choices: dict[int, PriorityChoice] = {}
    if signed_in and user.pk is not None:
        ballot, choices = own_ballot(
            prioritisation=prioritisation,
            key=voter_key(
                prioritisation_id=prioritisation.pk,
                user_id=user.pk,
                organisation_id=acting_for.pk if acting_for else None,
            ),
        )
    ranking = prioritisation.method == Prioritisation.Method.RANKING
    rows = []
    for option in options:
        name = rank_field(option) if ranking else points_field(option)
        fname = feasibility_field(option)
        saved = choices.get(option.pk)
        value = form.values.get(name)
        if value is None and saved is not None:
            value = (
                str(saved.rank if ranking else saved.points) if (saved.rank or saved.points) else ""
            )
        fvalue = form.values.get(fname)
        if fvalue is None and saved is not None and saved.feasibility:
            fvalue = str(saved.feasibility)
        rows.append(
            {
                "option": option,
                "name": name,
                "value": value or "",
                "error": form.errors.get(name, ""),
                "fname": fname,
                "fvalue": fvalue or "",
                "ferror": form.errors.get(fname, ""),
            }
        )
    context = {
        "prioritisation": prioritisation,
        "process": prioritisation.phase.process,
        "rows": rows,
        "ranking": ranking,
        "places": min(prioritisation.ranked, len(options)),
        "form_error": form.errors.get("__all__", ""),
        "error_count": len(form.errors),
        "ballot": ballot,
        "open": prioritisation.is_open(),
        "can_vote": signed_in and selectors.is_verified_participant(user=user),
        "organisations": organisations,
        "acting_for": acting_for,
        "feasibility_scale": list(range(FEASIBILITY_MIN, FEASIBILITY_MAX + 1)),
        "results_visible": results_visible(prioritisation=prioritisation, user=user),
    }
    return render(request, "participation/prioritisation.html", context, status=status)


def _visible(request: HttpRequest, prioritisation: Prioritisation) -> None:
    if not results_visible(prioritisation=prioritisation, user=request.user):
        raise PermissionDenied(_("The results are published when the prioritisation closes."))


def prioritisation_results_view(request: HttpRequest, code: str) -> HttpResponse:
    prioritisation = prioritisation_detail(code)
    _visible(request, prioritisation)
    results = prioritisation_results(prioritisation=prioritisation)
    x_title = _("Share of the points (%)")
    y_title = _("Mean feasibility (1-5)")
    median_share = (
        100 * results.median_score / results.total
        if results.median_score is not None and results.total
        else None
    )
    chart = None
    if results.ballots and any(r.feasibility is not None for r in results.options):
        chart = {
            "id": "chart-priorities",
            "spec_id": "chart-priorities-spec",
            "spec": priority_feasibility_chart(
                rows=[
                    {
                        "rank": r.rank,
                        "label": r.option.title,
                        "share": round(r.share, 2) if r.share is not None else 0,
                        "feasibility": r.feasibility,
                        "group": r.quadrant,
                    }
                    for r in results.options
                ],
                description=_(
                    "Each option by its share of the points (across) and its mean feasibility "
                    "(up); the dashed lines divide them at the median share and at the "
                    "midpoint of the scale. The numbers are the ranks in the table."
                ),
                x_title=x_title,
                y_title=y_title,
                x_rule=median_share,
                y_rule=FEASIBILITY_MIDPOINT,
                y_domain=(FEASIBILITY_MIN, FEASIBILITY_MAX),
            ),
            "csv_url": reverse("participation:prioritisation_export", args=[code, "csv"]),
            "title": _("Priority and feasibility of the options"),
            "wide": False,
        }
    context = {
        "prioritisation": prioritisation,
        "process": prioritisation.phase.process,
        "results": results,
        "chart": chart,
        "median_share": median_share,
        "midpoint": FEASIBILITY_MIDPOINT,
        "open": prioritisation.is_open(),
    }
    return render(request, "participation/prioritisation_results.html", context)


def prioritisation_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    prioritisation = prioritisation_detail(code)
    _visible(request, prioritisation)
    header, rows = results_table(
        results=prioritisation_results(prioritisation=prioritisation),
        data_status=prioritisation.data_status,
    )
    return table_response(header, rows, name=f"priorita-{code}", fmt=fmt, sheet="risultati")
