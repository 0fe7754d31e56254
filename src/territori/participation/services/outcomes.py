"""The closed loop: linking an accepted contribution to what became of it (an action of a
plan, a project, an output of the agenda's programme), and unlinking it."""

from __future__ import annotations

import datetime as dt
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.atlas.models import Project
from territori.core.audit import audit_record, snapshot
from territori.frameworks.models import Framework, Node
from territori.programme.models import Action, Output

from ..models import Contribution, ContributionOutcome, Follow, Notification
from .common import ParticipationError
from .follows import notify

#: Only a contribution the staff took up can have a result.
TAKEN_UP = (Contribution.Status.ACCEPTED, Contribution.Status.INCORPORATED)


def _node(reference: str) -> Node:
    key, sep, code = reference.strip().partition(":")
    if not sep or not key or not code:
        raise ParticipationError(
            _("Write the node as FRAMEWORK:CODE, for example plan:1.2 or agenda:3.1."),
            "reference",
        )
    node = (
        Node.objects.filter(
            framework__in=Framework.objects.filter(Q(role=key) | Q(code=key)), code=code
        )
        .select_related("framework")
        .first()
    )
    if node is None:
        raise ParticipationError(
            _("No node %(ref)s: check the framework and the code.") % {"ref": reference},
            "reference",
        )
    return node


def _project(reference: str) -> Project:
    text = reference.strip()
    project = Project.objects.filter(Q(code=text) | Q(cup=text.upper())).first() if text else None
    if project is None:
        raise ParticipationError(
            _("No project with the code or CUP %(ref)s.") % {"ref": text[:40]}, "reference"
        )
    return project


def _output(reference: str) -> Output:
    """By number (the output's id), or as ACTION/N: the Nth output (from 1) of the action
    with that code, when one programme only has such an action."""
    text = reference.strip()
    action_code, sep, position = text.rpartition("/")
    if sep and action_code and position.isdigit() and len(position) < 4:
        actions = list(Action.objects.filter(code=action_code).values_list("pk", flat=True)[:2])
        if len(actions) > 1:
            raise ParticipationError(
                _("More than one programme has an action %(code)s: give the output's number.")
                % {"code": action_code[:20]},
                "reference",
            )
        outputs = list(Output.objects.filter(action_id__in=actions).order_by("order", "pk"))
        index = int(position) - 1
        if 0 <= index < len(outputs):
            return outputs[index]
    elif text.isdigit() and len(text) < 12:
        output = Output.objects.filter(pk=int(text)).first()
        if output is not None:
            return output
    raise ParticipationError(
        _("No output %(ref)s of the programme: give its number or ACTION/N.") % {"ref": text[:30]},
        "reference",
    )


def outcome_link(
    *,
    contribution: Contribution,
    kind: str,
    reference: str,
    note_it: str = "",
    note_en: str = "",
    actor: Account,
    channel: str = "web",
    now: dt.datetime | None = None,
) -> ContributionOutcome:
    """Link `contribution` to its result, found by `reference` (FRAMEWORK:CODE for a node,
    the code or CUP of a project, a programme output by number or ACTION/N); its author and
    followers are told."""
    if contribution.status not in TAKEN_UP:
        raise ParticipationError(
            _("Only an accepted or incorporated contribution can be linked to a result."),
            "kind",
        )
    outcome = ContributionOutcome(
        contribution=contribution,
        note_it=note_it.strip(),
        note_en=note_en.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now or timezone.now(),
    )
    if kind == ContributionOutcome.Kind.NODE:
        outcome.node = _node(reference)
    elif kind == ContributionOutcome.Kind.PROJECT:
        outcome.project = _project(reference)
    elif kind == ContributionOutcome.Kind.OUTPUT:
        outcome.output = _output(reference)
    else:
        raise ParticipationError(_("Choose what the contribution led to."), "kind")
    try:
        with transaction.atomic():
            outcome.save()
            audit_record(
                instance=outcome, action="create", before=None, actor=actor, channel=channel
            )
    except IntegrityError as exc:
        raise ParticipationError(
            _("The contribution is already linked to this result."), "reference"
        ) from exc
    notify(
        kind=Notification.Kind.OUTCOME,
        title=contribution.title,
        url=reverse("participation:contribution", kwargs={"pk": contribution.pk}),
        targets=[(Follow.Target.CONTRIBUTION, contribution.pk)],
        direct={contribution.author_id: Notification.Kind.OUTCOME}
        if contribution.author_id
        else {},
        exclude=[actor.pk] if getattr(actor, "pk", None) else [],
    )
    return outcome


@transaction.atomic
def outcome_unlink(*, outcome: ContributionOutcome, actor: Account, channel: str = "web") -> None:
    before = snapshot(outcome)
    audit_record(instance=outcome, action="delete", before=before, actor=actor, channel=channel)
    outcome.delete()
