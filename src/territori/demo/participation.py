"""Participation in the demo, from the data files in demo/data/ through the services.

Real (seed 004 and reference/torino.yaml; organisations only, never people's names), in
`participation-psm-2024.yaml` and `organizzazioni-cabina-psm.csv`: the participatory process
of the PSM 2024-2026 with its four phases, the Cabina di regia with the organisations at its
first meeting (online, 18 September 2023, with its restitution), the launch event of
27 September 2023 and the Forum Missioni with its first conference.

Illustrative ("dato dimostrativo"), in the `*-illustrative` files: an open process of Forum
labs with meetings open for registration and a questionnaire, three demo participant accounts,
their contributions with answers and supports, a debate with arguments for and against, comments
and replies, 24 questionnaire responses, contact points of
demo organisations and two archived newsletter issues; a demo participant verified as the
delegate of a demo organisation, with a contribution and a ballot in its name; the results
some accepted contributions led to; a prioritisation of the accepted contributions with four
ballots; invitations to the questionnaire. Their dates are written for
`ILLUSTRATIVE_YEAR` and moved by whole years so that the labs stay ahead of the loading day.

The files are loaded by code (a second load changes nothing); the activity is added once,
when the illustrative process has no contribution yet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db.models import Q
from django.utils import timezone

from territori.atlas.models import Organisation
from territori.atlas.services import atlas_import
from territori.core.models import DataStatus
from territori.demo.files import demo_file
from territori.frameworks.models import Framework, Node
from territori.indicators.models import Indicator
from territori.io.participation import read_participation
from territori.io.yamlsafe import strict_load
from territori.participation.models import (
    Body,
    BodyMember,
    Comment,
    Contribution,
    Debate,
    Prioritisation,
    PriorityOption,
    Process,
    Questionnaire,
    Roadmap,
)
from territori.participation.services.accounts import participant_account_ensure
from territori.participation.services.comments import comment_post
from territori.participation.services.common import contact_point_add
from territori.participation.services.contributions import (
    contribution_answer,
    contribution_submit,
    contribution_support,
)
from territori.participation.services.delegations import delegation_decide, delegation_request
from territori.participation.services.invitations import questionnaire_invite
from territori.participation.services.loading import participation_document_import
from territori.participation.services.newsletter import BlockData, issue_archive, issue_create
from territori.participation.services.outcomes import outcome_link
from territori.participation.services.priorities import (
    ballot_read,
    ballot_submit,
    feasibility_field,
    points_field,
)
from territori.participation.services.questionnaires import response_record, response_validate
from territori.participation.services.roadmaps import milestone_add
from territori.territories.selectors import home_zones

#: The year the illustrative files are written for.
ILLUSTRATIVE_YEAR = 2026
ILLUSTRATIVE_PROCESS = "demo-laboratori-forum"
CHANNEL = "demo"


def _when(text: str, years: int) -> dt.datetime:
    moment = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    return timezone.make_aware(moment.replace(year=moment.year + years))


def _participation(name: str, *, years: int = 0) -> int:
    document, errors = read_participation(demo_file(name=name))
    if document is None:
        raise RuntimeError(f"{name}: {[str(e) for e in errors[:3]]}")
    report = participation_document_import(document=document.shifted(years=years), channel=CHANNEL)
    if report.errors:
        raise RuntimeError(f"{name}: {[str(e) for e in report.errors[:3]]}")
    changes: int = report.changes
    return changes


def demo_participation_load(today: dt.date | None = None, *, illustrative: bool = True) -> int:
    """Load the participation demo (its illustrative part only with `illustrative`); returns
    the rows written (0 when everything is in place)."""
    today = today or timezone.localdate()
    organisations = atlas_import(
        data=demo_file(name="organizzazioni-cabina-psm.csv"),
        filename="organizzazioni-cabina-psm.csv",
        kind="organisations",
        channel=CHANNEL,
    )
    if organisations.errors:
        raise RuntimeError(f"organisations: {[str(e) for e in organisations.errors[:3]]}")
    written = organisations.changes
    written += _participation("participation-psm-2024.yaml")
    if illustrative:
        years = today.year - ILLUSTRATIVE_YEAR
        written += _participation("participation-illustrative.yaml", years=years)
        written += _activity(years)
    return written


def _activity(years: int) -> int:
    """The illustrative accounts, contributions, responses, contacts and newsletter issues."""
    process = Process.objects.get(code=ILLUSTRATIVE_PROCESS)
    if Contribution.objects.filter(process=process).exists():
        return 0
    activity: dict[str, Any] = strict_load(
        demo_file(name="participation-activity-illustrative.yaml").decode("utf-8")
    )
    users = {
        account["email"]: participant_account_ensure(
            email=account["email"],
            display_name=account["display_name"],
            verified_at=_when(f"{ILLUSTRATIVE_YEAR}-01-10 09:00", years),
        )
        for account in activity["accounts"]
    }
    refs = {ref for item in activity["contributions"] for ref in item.get("nodes", [])}
    refs |= {
        item["target"].split(":", 1)[1]
        for item in activity["comments"]
        if item["target"].startswith("node:")
    }
    keys = {ref.split(":", 1)[0] for ref in refs}
    nodes = {
        f"{key}:{node.code}": node
        for node in Node.objects.filter(
            framework__in=Framework.objects.filter(Q(role__in=keys) | Q(code__in=keys))
        ).select_related("framework")
        for key in (node.framework.role, node.framework.code)
    }
    zones = {zone.number: zone for zone in home_zones()}
    written = len(users)
    for item in activity["delegations"]:
        delegation = delegation_request(
            user=users[item["user"]],
            organisation=Organisation.objects.get(code=item["organisation"]),
            message=item["message"],
            consent=True,
        )
        delegation_decide(delegation=delegation, approve=True, actor=None)
        written += 1
    for item in activity["contributions"]:
        organisation = item.get("organisation")
        contribution = contribution_submit(
            user=users[item["author"]],
            process=process,
            kind=item["kind"],
            title=item["title"],
            body=item["body"],
            nodes=[nodes[ref] for ref in item.get("nodes", [])],
            zone=zones.get(item.get("zone")),
            now=_when(item["submitted_at"], years),
            data_status=DataStatus.ILLUSTRATIVE,
            organisation=Organisation.objects.get(code=organisation) if organisation else None,
        )
        if item["status"] != Contribution.Status.RECEIVED:
            contribution_answer(
                contribution=contribution,
                status=item["status"],
                answer=item.get("answer", ""),
                actor=None,
                channel=CHANNEL,
                now=_when(item["answered_at"], years) if item.get("answered_at") else None,
            )
        for supporter in item.get("supporters", []):
            contribution_support(contribution=contribution, user=users[supporter])
        written += 1
    written += _comments(activity["comments"], users=users, nodes=nodes, years=years)
    written += _outcomes(activity["outcomes"], years=years)
    written += _roadmap(users=users, years=years)
    written += _prioritisation(
        activity["prioritisation"], process=process, users=users, years=years
    )
    written += _responses(years)
    written += questionnaire_invite(
        questionnaire=Questionnaire.objects.get(code="demo-priorita"),
        actor=None,
        now=_when(f"{ILLUSTRATIVE_YEAR}-03-10 09:00", years),
    )
    for item in activity["contact_points"]:
        contact_point_add(
            organisation=Organisation.objects.get(code=item["organisation"]),
            function=item["function"],
            email=item["email"],
            consent_text=item["consent"],
            given_at=_when(item["given_at"], years),
        )
        written += 1
    for item in activity["newsletter"]:
        issue = issue_create(
            number=item["number"],
            subject_it=item["subject_it"],
            subject_en=item.get("subject_en", ""),
            blocks=[BlockData(**block) for block in item["blocks"]],
            data_status=DataStatus.ILLUSTRATIVE,
        )
        issue_archive(issue=issue, sent_at=_when(item["sent_at"], years))
        written += 1
    return written


def _comments(
    items: list[dict[str, Any]], *, users: dict[str, Any], nodes: dict[str, Node], years: int
) -> int:
    """The illustrative comments and replies, through the site's service."""
    written: list[Comment] = []
    for item in items:
        kind, _sep, ref = item["target"].partition(":")
        if kind == Comment.Target.DEBATE:
            pk = Debate.objects.get(code=ref).pk
        elif kind == Comment.Target.CONTRIBUTION:
            pk = Contribution.objects.get(title=ref, data_status=DataStatus.ILLUSTRATIVE).pk
        else:
            pk = nodes[ref].pk
        parent = written[item["reply_to"] - 1] if item.get("reply_to") else None
        written.append(
            comment_post(
                user=users[item["author"]],
                kind=kind,
                pk=pk,
                body=item["body"],
                parent=parent,
                stance=item.get("stance", ""),
                consent=True,
                now=_when(item["written_at"], years),
                data_status=DataStatus.ILLUSTRATIVE,
            )
        )
    return len(written)


def _illustrative_contribution(title: str) -> Contribution:
    return Contribution.objects.get(title=title, data_status=DataStatus.ILLUSTRATIVE)


def _outcomes(items: list[dict[str, Any]], *, years: int) -> int:
    """What the illustrative contributions led to, through the staff's service."""
    for item in items:
        outcome_link(
            contribution=_illustrative_contribution(item["contribution"]),
            kind=item["kind"],
            reference=item["reference"],
            note_it=item["note_it"],
            note_en=item.get("note_en", ""),
            actor=None,
            channel=CHANNEL,
            now=_when("2026-04-01 09:00", years),
        )
    return len(items)


def _roadmap(*, users: dict[str, Any], years: int) -> int:
    """An illustrative backcasting roadmap of Mission 1.2, edited by an illustrative working
    group (a demo organisation, whose verified delegate is a demo participant), with three
    milestones written through the working group's service."""
    mission = Node.objects.filter(framework__code="amsvs-torino", code="1.2").first()
    if mission is None:
        return 0
    group = Body.objects.create(
        code="demo-gruppo-missione-1-2",
        kind=Body.Kind.WORKING_GROUP,
        name_it="Gruppo di lavoro Missione 1.2 (dimostrativo)",
        name_en="Mission 1.2 working group (demo)",
        description_it="Gruppo di lavoro dimostrativo: membri e contenuti inventati.",
        data_status=DataStatus.ILLUSTRATIVE,
    )
    group.nodes.add(mission)
    member = BodyMember.objects.create(
        body=group, organisation=Organisation.objects.get(code="demo-org-001")
    )
    editor = users["partecipante2@demo.invalid"]
    member.delegates.add(editor)
    roadmap = Roadmap.objects.create(
        code="demo-tabella-missione-1-2",
        node=mission,
        body=group,
        title_it="Tabella di marcia della Missione 1.2 (dato dimostrativo)",
        title_en="Mission 1.2 roadmap (demo data)",
        vision_it="Nel 2030 le imprese del territorio hanno ridotto le emissioni e innovato "
        "processi e prodotti grazie a filiere circolari. (Visione dimostrativa.)",
        vision_en="By 2030 the territory's businesses have cut emissions and renewed processes "
        "and products through circular supply chains. (A demo vision.)",
        horizon=2030 + years,
        data_status=DataStatus.ILLUSTRATIVE,
    )
    indicators = ",".join(
        Indicator.objects.filter(nodes=mission).order_by("code").values_list("code", flat=True)[:2]
    )
    today = timezone.localdate().year
    for offset, title, actions in (
        (4, "Filiere circolari attive in ogni zona omogenea (dimostrativo)", "plan:1"),
        (2, "Sportello unico per la transizione delle imprese (dimostrativo)", "plan:1.1"),
        (1, "Mappa delle imprese e dei progetti della Missione (dimostrativo)", ""),
    ):
        milestone_add(
            roadmap=roadmap,
            year=min(today + offset, roadmap.horizon),
            title_it=title,
            nodes=actions,
            indicators=indicators if offset == 4 else "",
            actor=editor,
        )
    return 1 + 3


def _prioritisation(
    item: dict[str, Any], *, process: Process, users: dict[str, Any], years: int
) -> int:
    """The illustrative prioritisation of the accepted contributions, with its ballots
    recorded through the site's service (as at their dates)."""
    prioritisation = Prioritisation.objects.create(
        code=item["code"],
        phase=process.phases.get(position=item["phase"]),
        title_it=item["title_it"],
        title_en=item["title_en"],
        description_it=item["description_it"],
        description_en=item["description_en"],
        method=item["method"],
        points=item["points"],
        opens_at=_when(item["opens_at"], years),
        closes_at=_when(item["closes_at"], years),
        data_status=DataStatus.ILLUSTRATIVE,
    )
    options = []
    for position, title in enumerate(item["options"], start=1):
        contribution = _illustrative_contribution(title)
        options.append(
            PriorityOption.objects.create(
                prioritisation=prioritisation,
                position=position,
                title_it=title,
                contribution=contribution,
            )
        )
    for ballot in item["ballots"]:
        raw: dict[str, list[str]] = {}
        for option, points, feasibility in zip(
            options, ballot["points"], ballot["feasibility"], strict=True
        ):
            raw[points_field(option)] = [str(points)]
            raw[feasibility_field(option)] = ["" if feasibility is None else str(feasibility)]
        form = ballot_read(prioritisation=prioritisation, options=options, raw=raw)
        organisation = ballot.get("organisation")
        ballot_submit(
            prioritisation=prioritisation,
            user=users[ballot["voter"]],
            form=form,
            organisation=Organisation.objects.get(code=organisation) if organisation else None,
            now=_when(ballot["submitted_at"], years),
        )
    return 1 + len(options) + len(item["ballots"])


def _responses(years: int) -> int:
    """The questionnaire's responses, one per row (the columns are the form's fields; several
    choices are separated by "|")."""
    questionnaire = Questionnaire.objects.get(code="demo-priorita")
    questions = list(questionnaire.questions.order_by("position"))
    text = demo_file(name="questionnaire-responses-illustrative.csv").decode("utf-8")
    written = 0
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        raw = {
            name: value.split("|")
            for name, value in row.items()
            if name != "submitted_at" and value
        }
        validated = response_validate(questions=questions, raw=raw)
        if validated.errors:
            raise RuntimeError(f"responses row {number + 1}: {validated.errors}")
        response_record(
            questionnaire=questionnaire,
            respondent=f"demo-{number:03d}",
            validated=validated,
            submitted_at=_when(row["submitted_at"], years),
            data_status=DataStatus.ILLUSTRATIVE,
        )
        written += 1
    return written
