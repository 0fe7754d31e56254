"""Reads of following: what can be followed, whether a person follows it, their list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from typing import Any as Account

from django.urls import reverse

from territori.territories.models import Territory

from ..models import Follow, Participant, Process
from .comments import NoTarget, comment_target


class NoFollowTarget(Exception):
    """No such item, or not one that can be followed."""


@dataclass(frozen=True)
class Followed:
    kind: str
    pk: int
    title: str
    url: str

    @property
    def kind_label(self) -> str:
        return str(Follow.Target(self.kind).label)


def follow_target(*, kind: str, pk: int, item: Any = None) -> Followed:
    """What `kind`/`pk` is, to follow: its title and address."""
    if kind == Follow.Target.PROCESS:
        process = item if isinstance(item, Process) and item.pk == pk else None
        process = process or Process.objects.filter(pk=pk).first()
        if process is None:
            raise NoFollowTarget(kind)
        url = reverse("participation:process", kwargs={"code": process.code})
        return Followed(kind, pk, process.title, url)
    if kind == Follow.Target.ZONE:
        zone = item if isinstance(item, Territory) and item.pk == pk else None
        zone = zone or Territory.objects.filter(pk=pk, kind=Territory.Kind.ZONA).first()
        if zone is None or zone.kind != Territory.Kind.ZONA:
            raise NoFollowTarget(kind)
        return Followed(kind, pk, zone.name, zone.get_absolute_url())
    if kind not in Follow.Target.values:
        raise NoFollowTarget(kind)
    try:
        target = comment_target(kind=kind, pk=pk, item=item)
    except NoTarget as exc:
        raise NoFollowTarget(kind) from exc
    return Followed(kind, pk, target.title, target.url)


def is_following(*, user: Account, kind: str, pk: int) -> bool:
    if not user.is_authenticated:
        return False
    return bool(Follow.objects.filter(user=user, target_kind=kind, target_id=pk).exists())


def follows_of(*, user: Account) -> list[Followed]:
    """What a person follows, with titles and addresses: one query for each kind followed,
    however many items (items gone since, or hidden, are left out)."""
    from django.apps import apps

    from territori.frameworks.models import Node

    from ..models import Contribution, Debate, Meeting

    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, pk in Follow.objects.filter(user=user).values_list("target_kind", "target_id"):
        by_kind[kind].append(pk)
    project = apps.get_model("atlas", "Project")
    loaders: dict[str, Any] = {
        Follow.Target.NODE: Node.objects.select_related("framework"),
        Follow.Target.PROCESS: Process.objects.all(),
        Follow.Target.MEETING: Meeting.objects.select_related("phase"),
        Follow.Target.CONTRIBUTION: Contribution.objects.filter(hidden_at=None).select_related(
            "phase"
        ),
        Follow.Target.PROJECT: project.objects.all(),
        Follow.Target.ZONE: Territory.objects.filter(kind=Territory.Kind.ZONA).defer(
            "boundary", "search_text"
        ),
        Follow.Target.DEBATE: Debate.objects.select_related("phase"),
    }
    found: list[Followed] = []
    for kind, pks in sorted(by_kind.items()):
        if kind not in loaders:
            continue
        for item in loaders[kind].filter(pk__in=pks):
            try:
                found.append(follow_target(kind=kind, pk=item.pk, item=item))
            except NoFollowTarget:
                continue
    return found


def invitations_of(*, user: Account) -> bool:
    participant = Participant.objects.filter(user=user).only("invitations").first()
    return participant.invitations if participant else False


def digest_of(*, user: Account) -> str:
    participant = Participant.objects.filter(user=user).only("digest").first()
    return participant.digest if participant else Participant.Digest.NONE
