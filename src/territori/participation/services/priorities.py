"""Prioritisation: reading a ballot from a form, checking it against the method's rules and
recording it (one per person, and one per organisation through any of its delegates;
changeable while the prioritisation is open)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.atlas.models import Organisation

from ..models import (
    FEASIBILITY_MAX,
    FEASIBILITY_MIN,
    Prioritisation,
    PriorityBallot,
    PriorityChoice,
    PriorityOption,
)
from ..selectors import is_verified_participant
from .common import ParticipationError
from .delegations import delegate_check


@dataclass(frozen=True)
class ChoiceData:
    option_id: int
    points: int = 0
    rank: int | None = None
    feasibility: int | None = None


@dataclass
class BallotForm:
    """What the form sent, read: the choices, and the errors by field name (the form's
    input names, so that each message sits beside its field)."""

    choices: list[ChoiceData] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def points_field(option: PriorityOption) -> str:
    return f"punti-{option.pk}"


def rank_field(option: PriorityOption) -> str:
    return f"posto-{option.pk}"


def feasibility_field(option: PriorityOption) -> str:
    return f"fattibilita-{option.pk}"


def _integer(text: str, low: int, high: int) -> int | None:
    """The whole number in `text` if it is within [low, high]; None otherwise."""
    text = text.strip()
    if not text.isdigit() or len(text) > 6:
        return None
    number = int(text)
    return number if low <= number <= high else None


def ballot_read(
    *,
    prioritisation: Prioritisation,
    options: Sequence[PriorityOption],
    raw: Mapping[str, Sequence[str]],
) -> BallotForm:
    """Read and check a ballot: with points, whole numbers from 0 that add up to exactly
    the points to share; with ranking, the places 1…k each given once (k is the number of
    options to rank, or of options if fewer); feasibility, where asked and given, 1-5."""
    form = BallotForm()
    ranking = prioritisation.method == Prioritisation.Method.RANKING
    places = min(prioritisation.ranked, len(options))
    total = 0
    seen: dict[int, str] = {}
    for option in options:
        name = rank_field(option) if ranking else points_field(option)
        text = (raw.get(name) or [""])[-1]
        form.values[name] = text[:10]
        points, rank = 0, None
        if text.strip():
            if ranking:
                rank = _integer(text, 1, places)
                if rank is None:
                    form.errors[name] = _(
                        "“%(option)s”: the place is a number from 1 to %(n)d."
                    ) % {
                        "option": option.title,
                        "n": places,
                    }
                elif rank in seen:
                    form.errors[name] = _(
                        "“%(option)s”: place %(rank)d is already given to “%(other)s”."
                    ) % {"option": option.title, "rank": rank, "other": seen[rank]}
                else:
                    seen[rank] = option.title
            else:
                value = _integer(text, 0, prioritisation.points)
                if value is None:
                    form.errors[name] = _(
                        "“%(option)s”: the points are a whole number from 0 to %(n)d."
                    ) % {"option": option.title, "n": prioritisation.points}
                else:
                    points = value
                    total += value
        feasibility = None
        if prioritisation.ask_feasibility:
            fname = feasibility_field(option)
            ftext = (raw.get(fname) or [""])[-1]
            form.values[fname] = ftext[:10]
            if ftext.strip():
                feasibility = _integer(ftext, FEASIBILITY_MIN, FEASIBILITY_MAX)
                if feasibility is None:
                    form.errors[fname] = _(
                        "“%(option)s”: feasibility is rated from %(low)d to %(high)d."
                    ) % {"option": option.title, "low": FEASIBILITY_MIN, "high": FEASIBILITY_MAX}
        if points or rank or feasibility:
            form.choices.append(
                ChoiceData(option_id=option.pk, points=points, rank=rank, feasibility=feasibility)
            )
    if form.errors:
        return form
    if ranking and len(seen) != places:
        missing = sorted(set(range(1, places + 1)) - set(seen))
        form.errors["__all__"] = _("Give every place from 1 to %(n)d; missing: %(missing)s.") % {
            "n": places,
            "missing": ", ".join(str(m) for m in missing),
        }
    elif not ranking and total != prioritisation.points:
        form.errors["__all__"] = _("Share exactly %(n)d points: you gave %(total)d.") % {
            "n": prioritisation.points,
            "total": total,
        }
    return form


def voter_key(*, prioritisation_id: int, user_id: int, organisation_id: int | None) -> str:
    """HMAC of the person (or of the organisation) for this prioritisation."""
    who = f"organisation:{organisation_id}" if organisation_id else f"user:{user_id}"
    message = f"prioritisation:{prioritisation_id}:{who}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def ballot_submit(
    *,
    prioritisation: Prioritisation,
    user: Account,
    form: BallotForm,
    organisation: Organisation | None = None,
    now: dt.datetime | None = None,
) -> PriorityBallot:
    """Record the ballot, replacing this person's (or organisation's) earlier one."""
    if form.errors:
        raise ParticipationError(_("The ballot has errors."))
    if not prioritisation.is_open(now):
        raise ParticipationError(_("This prioritisation is closed."))
    if not is_verified_participant(user=user):
        raise ParticipationError(_("Confirm your email address first."))
    delegate_check(user=user, organisation=organisation)
    option_ids = set(prioritisation.options.values_list("pk", flat=True))
    if any(choice.option_id not in option_ids for choice in form.choices):
        raise ParticipationError(_("An option is not part of this prioritisation."))
    key = voter_key(
        prioritisation_id=prioritisation.pk,
        user_id=user.pk,
        organisation_id=organisation.pk if organisation else None,
    )
    with transaction.atomic():
        ballot, created = PriorityBallot.objects.select_for_update().get_or_create(
            prioritisation=prioritisation,
            voter_key=key,
            defaults={"user": user, "organisation": organisation},
        )
        if not created:
            ballot.choices.all().delete()
            ballot.user = user
        ballot.submitted_at = now or timezone.now()
        ballot.save(update_fields=["user", "submitted_at"])
        PriorityChoice.objects.bulk_create(
            PriorityChoice(
                ballot=ballot,
                option_id=choice.option_id,
                points=choice.points,
                rank=choice.rank,
                feasibility=choice.feasibility,
            )
            for choice in form.choices
        )
    return ballot


def ballot_withdraw(
    *,
    prioritisation: Prioritisation,
    user: Account,
    organisation: Organisation | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Take one's ballot back while the prioritisation is open."""
    if not prioritisation.is_open(now):
        raise ParticipationError(_("This prioritisation is closed."))
    delegate_check(user=user, organisation=organisation)
    key = voter_key(
        prioritisation_id=prioritisation.pk,
        user_id=user.pk,
        organisation_id=organisation.pk if organisation else None,
    )
    deleted, _counts = PriorityBallot.objects.filter(
        prioritisation=prioritisation, voter_key=key
    ).delete()
    return bool(deleted)
