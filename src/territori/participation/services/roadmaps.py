"""Backcasting roadmaps: editing the desired state and the milestones (the Mission's working
group, or the staff), each save kept as a numbered version with what changed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import Any as Account  # a user of django.contrib.auth (or AnonymousUser)

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from territori.atlas.models import Project
from territori.core.audit import audit_record, snapshot
from territori.frameworks.models import Framework, Node
from territori.indicators.models import Indicator

from ..models import BodyMember, Milestone, Roadmap, RoadmapVersion
from .common import ParticipationError


def can_edit_roadmap(*, user: Account, roadmap: Roadmap) -> bool:
    """The staff who manage roadmaps, and the delegates of the organisations in its working
    group."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm("participation.change_roadmap"):
        return True
    body_id = roadmap.body_id
    if body_id is None:
        return False
    return BodyMember.objects.filter(body_id=body_id, delegates=user).exists()


def _refs(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _nodes(text: str) -> list[Node]:
    found = []
    for ref in _refs(text):
        key, sep, code = ref.partition(":")
        node = (
            Node.objects.filter(
                framework__in=Framework.objects.filter(Q(role=key) | Q(code=key)), code=code
            ).first()
            if sep
            else None
        )
        if node is None:
            raise ParticipationError(
                _("No action %(ref)s: write FRAMEWORK:CODE, for example plan:1.2.")
                % {"ref": ref[:40]},
                "nodes",
            )
        found.append(node)
    return found


def _projects(text: str) -> list[Project]:
    found = []
    for ref in _refs(text):
        project = Project.objects.filter(Q(code=ref) | Q(cup=ref.upper())).first()
        if project is None:
            raise ParticipationError(
                _("No project with the code or CUP %(ref)s.") % {"ref": ref[:40]}, "projects"
            )
        found.append(project)
    return found


def _indicators(text: str) -> list[Indicator]:
    found = []
    for ref in _refs(text):
        indicator = Indicator.objects.filter(code=ref).first()
        if indicator is None:
            raise ParticipationError(
                _("No indicator with the code %(ref)s.") % {"ref": ref[:40]}, "indicators"
            )
        found.append(indicator)
    return found


def _content(roadmap: Roadmap) -> dict[str, Any]:
    return {
        "title_it": roadmap.title_it,
        "title_en": roadmap.title_en,
        "vision_it": roadmap.vision_it,
        "vision_en": roadmap.vision_en,
        "horizon": roadmap.horizon,
        "milestones": [
            {
                "year": m.year,
                "title_it": m.title_it,
                "title_en": m.title_en,
                "description_it": m.description_it,
                "description_en": m.description_en,
                "actions": [f"{n.framework.code}:{n.code}" for n in m.nodes.all()],
                "projects": [p.code for p in m.projects.all()],
                "indicators": [i.code for i in m.indicators.all()],
            }
            for m in roadmap.milestones.prefetch_related(
                "nodes__framework", "projects", "indicators"
            ).order_by("-year", "id")
        ],
    }


def _new_version(roadmap: Roadmap, actor: Account, note: str) -> RoadmapVersion:
    locked = Roadmap.objects.select_for_update().get(pk=roadmap.pk)
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["version", "updated_at"])
    roadmap.version, roadmap.updated_at = locked.version, locked.updated_at
    return RoadmapVersion.objects.create(
        roadmap=roadmap,
        number=locked.version,
        saved_by=actor if getattr(actor, "pk", None) else None,
        note=note.strip()[:300],
        content=_content(roadmap),
    )


@transaction.atomic
def roadmap_update(
    *,
    roadmap: Roadmap,
    title_it: str,
    vision_it: str,
    horizon: int,
    title_en: str = "",
    vision_en: str = "",
    note: str = "",
    actor: Account,
) -> RoadmapVersion:
    if not 2000 <= horizon <= 2100:
        raise ParticipationError(_("The horizon is a year between 2000 and 2100."), "horizon")
    if roadmap.milestones.filter(year__gt=horizon).exists():
        raise ParticipationError(
            _("Some milestones come after this horizon: move them first."), "horizon"
        )
    before = snapshot(roadmap)
    roadmap.title_it, roadmap.title_en = title_it.strip(), title_en.strip()
    roadmap.vision_it, roadmap.vision_en = vision_it.strip(), vision_en.strip()
    roadmap.horizon = horizon
    roadmap.save(update_fields=["title_it", "title_en", "vision_it", "vision_en", "horizon"])
    audit_record(instance=roadmap, action="update", before=before, actor=actor, channel="web")
    return _new_version(roadmap, actor, note or _("desired state edited"))


@transaction.atomic
def milestone_add(
    *,
    roadmap: Roadmap,
    year: int,
    title_it: str,
    title_en: str = "",
    description_it: str = "",
    description_en: str = "",
    nodes: str = "",
    projects: str = "",
    indicators: str = "",
    note: str = "",
    actor: Account,
    today_year: int | None = None,
) -> Milestone:
    """A milestone between today and the horizon, with the actions (FRAMEWORK:CODE),
    projects (code or CUP) and indicators (code) named in the comma-separated lists."""
    first = today_year or timezone.localdate().year
    if not first <= year <= roadmap.horizon:
        raise ParticipationError(
            _("The year is between %(first)d and the horizon, %(horizon)d.")
            % {"first": first, "horizon": roadmap.horizon},
            "year",
        )
    if not title_it.strip():
        raise ParticipationError(_("Give the milestone a title."), "title_it")
    linked_nodes, linked_projects, linked_indicators = (
        _nodes(nodes),
        _projects(projects),
        _indicators(indicators),
    )
    milestone = Milestone.objects.create(
        roadmap=roadmap,
        year=year,
        title_it=title_it.strip()[:300],
        title_en=title_en.strip()[:300],
        description_it=description_it.strip(),
        description_en=description_en.strip(),
    )
    milestone.nodes.set(linked_nodes)
    milestone.projects.set(linked_projects)
    milestone.indicators.set(linked_indicators)
    audit_record(instance=milestone, action="create", before=None, actor=actor, channel="web")
    _new_version(roadmap, actor, note or _("milestone %(year)d added") % {"year": year})
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, note: str = "", actor: Account) -> None:
    roadmap = milestone.roadmap
    audit_record(
        instance=milestone, action="delete", before=snapshot(milestone), actor=actor, channel="web"
    )
    year = milestone.year
    milestone.delete()
    _new_version(roadmap, actor, note or _("milestone %(year)d removed") % {"year": year})


def version_milestones(*, version: RoadmapVersion) -> Sequence[dict[str, Any]]:
    milestones: Sequence[dict[str, Any]] = version.content.get("milestones", [])
    return milestones
