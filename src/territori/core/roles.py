"""Roles as Django groups. `roles_ensure` creates or updates them; run by setup and demo.

Each role is a set of model permissions ("app_label.codename"). Later apps add theirs here,
so one table says who may do what.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

ADMINISTRATOR = "administrator"
EDITOR = "editor"
ANALYST = "analyst"
MODERATOR = "moderator"


def _crud(
    app: str, model: str, actions: tuple[str, ...] = ("add", "change", "delete", "view")
) -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions}


VIEW_AUDIT = {"core.view_auditentry"}

#: Content: the text of frameworks and nodes, and links between them.
EDITOR_PERMISSIONS = (
    _crud("frameworks", "node")
    | _crud("frameworks", "link")
    | _crud("frameworks", "framework", ("change", "view"))
    | {"territories.view_territory", "territories.view_membership"}
    | VIEW_AUDIT
)

#: Monitoring: indicators, observations, targets, imports (results are computed, read only).
INDICATOR_PERMISSIONS = (
    _crud("indicators", "indicator")
    | _crud("indicators", "observation")
    | _crud("indicators", "target")
    | _crud("indicators", "scenario")
    | _crud("indicators", "importbatch", ("view",))
)

#: Coherence: matrices (who assesses a matrix is set on the matrix itself).
COHERENCE_PERMISSIONS = (
    _crud("coherence", "matrix")
    | _crud("coherence", "matrixnode")
    | _crud("coherence", "score", ("view",))
    | _crud("coherence", "agreedscore", ("view",))
    | _crud("coherence", "systemmap")
    | _crud("coherence", "factor")
    | _crud("coherence", "influence")
)

#: The programme: outputs' status and evidence, and the expenses (the budget is imported).
PROGRAMME_PERMISSIONS = (
    _crud("programme", "output", ("change", "view"))
    | _crud("programme", "expense")
    | _crud("programme", "action", ("view",))
    | _crud("programme", "programme", ("view",))
)

#: The atlas: organisations, networks, their areas and memberships.
ATLAS_PERMISSIONS = (
    _crud("atlas", "organisation")
    | _crud("atlas", "network")
    | _crud("atlas", "networkarea")
    | _crud("atlas", "membership")
    | _crud("atlas", "project")
    | _crud("atlas", "funding")
    | _crud("atlas", "place")
    | _crud("atlas", "milestone")
    | _crud("atlas", "phase")
    | _crud("atlas", "projectupdate", ("add", "view"))
)

#: Data: territories, memberships, framework imports, indicators, coherence, programme, atlas.
ANALYST_PERMISSIONS = (
    INDICATOR_PERMISSIONS
    | COHERENCE_PERMISSIONS
    | PROGRAMME_PERMISSIONS
    | ATLAS_PERMISSIONS
    | (
        _crud("territories", "territory")
        | _crud("territories", "membership")
        | _crud("territories", "topology", ("view",))
        | _crud("frameworks", "framework")
        | _crud("frameworks", "node")
        | _crud("frameworks", "link", ("view",))
        | VIEW_AUDIT
    )
)

#: Participation content: processes, bodies, meetings (and their registrations),
#: questionnaires, the newsletter and the stakeholder registry.
PARTICIPATION_PERMISSIONS = (
    _crud("participation", "process")
    | _crud("participation", "processphase")
    | _crud("participation", "body")
    | _crud("participation", "bodymember")
    | _crud("participation", "bodydocument")
    | _crud("participation", "meeting")
    | _crud("participation", "agendaitem")
    | _crud("participation", "meetingdocument")
    | _crud("participation", "registration", ("change", "view"))
    | _crud("participation", "questionnaire")
    | _crud("participation", "question")
    | _crud("participation", "questionnaireresponse", ("view",))
    | _crud("participation", "newsletterissue")
    | _crud("participation", "newsletterblock")
    | _crud("participation", "subscriber", ("view",))
    | _crud("participation", "contactpoint")
    | _crud("participation", "consentrecord", ("add", "view"))
    | _crud("participation", "debate")
    | _crud("participation", "delegation", ("view", "change"))
    | _crud("participation", "prioritisation")
    | _crud("participation", "priorityoption")
    | _crud("participation", "priorityballot", ("view",))
    | _crud("participation", "questionnaireinvitation", ("add", "view"))
    | _crud("participation", "roadmap")
    | _crud("participation", "milestone")
    | _crud("participation", "roadmapversion", ("view",))
    | {"atlas.view_organisation"}
)

#: Moderation of contributions and comments: answer, hide and restore, decide on reports;
#: link an accepted contribution to what it led to.
MODERATOR_PERMISSIONS = {
    "frameworks.view_framework",
    "frameworks.view_node",
    "territories.view_territory",
    "participation.view_contribution",
    "participation.change_contribution",
    "participation.view_report",
    "participation.change_report",
    "participation.view_process",
    "participation.view_comment",
    "participation.change_comment",
    "participation.view_commentreport",
    "participation.change_commentreport",
    "participation.view_debate",
    "participation.view_contributionoutcome",
    "participation.add_contributionoutcome",
    "participation.delete_contributionoutcome",
}

#: The website section (pages, news, images) is the editors'; the report is the analysts'.
PAGE_PERMISSIONS = _crud("publication", "page") | _crud("publication", "pageimage")
REPORT_PERMISSIONS = _crud("publication", "report") | _crud("publication", "reportcommentary")

ROLE_PERMISSIONS: dict[str, set[str]] = {
    EDITOR: EDITOR_PERMISSIONS | PARTICIPATION_PERMISSIONS | PAGE_PERMISSIONS,
    ANALYST: ANALYST_PERMISSIONS | REPORT_PERMISSIONS,
    MODERATOR: MODERATOR_PERMISSIONS,
}

#: Apps whose every permission the administrator role holds.
ADMINISTRATOR_APPS = (
    "core",
    "frameworks",
    "territories",
    "indicators",
    "coherence",
    "programme",
    "atlas",
    "auth",
    "participation",
    "api",
    "publication",
)


def _permissions(names: set[str]) -> list[Permission]:
    query = Q()
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    missing = names - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        raise LookupError(f"unknown permissions (run migrate first): {sorted(missing)}")
    return found


@transaction.atomic
def roles_ensure() -> dict[str, int]:
    """Create the four role groups with exactly their permissions; idempotent."""
    counts: dict[str, int] = {}
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = _permissions(names)
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    admin_group, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    admin_permissions = list(
        Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS).exclude(
            codename__in=["add_auditentry", "change_auditentry", "delete_auditentry"]
        )
    )
    admin_group.permissions.set(admin_permissions)
    counts[ADMINISTRATOR] = len(admin_permissions)
    return counts
