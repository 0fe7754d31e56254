"""Loading a participation file: processes, bodies, meetings, questionnaires and debates.

Records are matched by code: a new code creates, a known one is updated (phases by position,
members by organisation; a meeting's agenda and a questionnaire's questions are replaced, the
questions only while nobody has answered). Everything is checked against the database first
(organisations, Missions and plan nodes, comuni, zones, the choices of each field); with any
problem nothing is written and every problem is reported with its line.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from territori.atlas.models import Organisation
from territori.core.audit import Actor, AuditBatch, snapshot
from territori.frameworks.models import Framework, Node
from territori.io.errors import RowError
from territori.io.participation import (
    BodyRecord,
    DebateRecord,
    MeetingRecord,
    ParticipationDocument,
    ProcessRecord,
    QuestionnaireRecord,
    QuestionRecord,
    read_participation,
)
from territori.io.text import fold
from territori.territories.models import Territory
from territori.territories.selectors import comuni_index, home_zones

from ..models import (
    AgendaItem,
    Body,
    BodyMember,
    Debate,
    Meeting,
    Process,
    ProcessPhase,
    Question,
    Questionnaire,
)
from .follows import meeting_announce

Path = tuple[int | str, ...]


@dataclass
class ParticipationImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class _Rollback(Exception):
    """Raised inside the transaction when a problem was found, so that nothing is kept."""


class _Loader:
    """Resolves a document's references and writes it, collecting every problem."""

    def __init__(self, document: ParticipationDocument, actor: Actor, channel: str) -> None:
        self.document = document
        self.errors: list[RowError] = []
        self.report = ParticipationImportReport(errors=self.errors)
        self.audit = AuditBatch(actor=actor, channel=channel)
        self.nodes = self._nodes()
        self.organisations = self._organisations()
        self.comuni = comuni_index()
        self.zones = {z.number: z for z in home_zones() if z.number is not None}
        self.processes: dict[str, Process] = {}
        self.bodies: dict[str, Body] = {}
        #: meetings new with this file: their followers are told once it is written
        self.announced: list[Meeting] = []

    # --- references --------------------------------------------------------------------------

    def error(self, path: Path, name: str, message: str, value: object = "") -> None:
        line = 0
        for end in range(len(path), 0, -1):
            line = self.document.line(*path[:end])
            if line:
                break
        where = "".join(f"[{k + 1}]" if isinstance(k, int) else f".{k}" for k in path[1:])
        self.errors.append(RowError(line, f"{path[0]}{where}.{name}", message, str(value)[:80]))

    def _references(self, attribute: str) -> set[str]:
        found: set[str] = set()
        for section in ("processes", "bodies", "meetings", "debates"):
            for record in getattr(self.document, section):
                found.update(getattr(record, attribute, ()))
        return found

    def _nodes(self) -> dict[str, Node]:
        refs = self._references("nodes")
        keys = {ref.split(":", 1)[0] for ref in refs}
        if not keys:
            return {}
        frameworks = Framework.objects.filter(Q(role__in=keys) | Q(code__in=keys))
        nodes = Node.objects.filter(framework__in=frameworks).select_related("framework")
        found: dict[str, Node] = {}
        for node in nodes:
            for key in (node.framework.code, node.framework.role):
                if key:
                    found[f"{key}:{node.code}"] = node
        return found

    def _organisations(self) -> dict[str, Organisation]:
        codes = {m.organisation for b in self.document.bodies for m in b.members}
        codes |= {c for m in self.document.meetings for c in m.attending if c != "members"}
        return {o.code: o for o in Organisation.objects.filter(code__in=codes)}

    def node_list(self, refs: Sequence[str], path: Path) -> list[Node]:
        nodes = []
        for ref in refs:
            node = self.nodes.get(ref)
            if node is None:
                self.error(path, "nodes", "no such framework node (ROLE_OR_FRAMEWORK:CODE)", ref)
            else:
                nodes.append(node)
        return nodes

    def process(self, code: str | None, path: Path) -> Process | None:
        if code is None:
            return None
        found = self.processes.get(code) or Process.objects.filter(code=code).first()
        if found is None:
            self.error(path, "process", "no such process in the file or the database", code)
        return found

    def body(self, code: str | None, path: Path) -> Body | None:
        if code is None:
            return None
        found = self.bodies.get(code) or Body.objects.filter(code=code).first()
        if found is None:
            self.error(path, "body", "no such body in the file or the database", code)
        return found

    # --- writing -----------------------------------------------------------------------------

    def save(
        self,
        model: type[models.Model],
        key: Mapping[str, Any],
        values: Mapping[str, Any],
        path: Path,
        *,
        exclude: Iterable[str] = (),
    ) -> Any:
        """Create or update one row (checked with full_clean); None when it is invalid."""
        name = model.__name__.lower()
        unsaved_key = any(isinstance(v, models.Model) and v.pk is None for v in key.values())
        instance = None if unsaved_key else model._default_manager.filter(**key).first()
        created = instance is None
        if instance is None:
            instance = model(**key)
        changed = [k for k, v in values.items() if created or getattr(instance, k) != v]
        before = None if created else snapshot(instance)
        for attribute in changed:
            setattr(instance, attribute, values[attribute])
        try:
            instance.full_clean(exclude=list(exclude), validate_unique=False)
        except ValidationError as exc:
            for attribute, messages in exc.message_dict.items():
                for message in messages:
                    shown = values.get(attribute, key.get(attribute, ""))
                    self.error(path, attribute, message, shown if shown is not None else "")
            return None
        if self.errors or not changed:  # nothing will be kept, or nothing to write
            return instance
        instance.save()
        if before is None:
            self.report.created[name] += 1
            self.audit.created(instance)
        else:
            self.report.updated[name] += 1
            self.audit.updated(instance, before)
        return instance

    def run(self) -> None:
        for index, process in enumerate(self.document.processes):
            self.load_process(process, ("processes", index))
        for index, body in enumerate(self.document.bodies):
            self.load_body(body, ("bodies", index))
        for index, meeting in enumerate(self.document.meetings):
            self.load_meeting(meeting, ("meetings", index))
        for index, questionnaire in enumerate(self.document.questionnaires):
            self.load_questionnaire(questionnaire, ("questionnaires", index))
        for index, debate in enumerate(self.document.debates):
            self.load_debate(debate, ("debates", index))

    def load_debate(self, record: DebateRecord, path: Path) -> None:
        process = self.process(record.process, path)
        values = record.model_dump(exclude={"code", "nodes", "process", "phase"})
        for name in ("opened_at", "closed_at"):
            values[name] = _aware(values[name])
        phase = None
        if process is not None and process.pk is not None and record.phase is not None:
            phase = ProcessPhase.objects.filter(process=process, position=record.phase).first()
            if phase is None:
                self.error(path, "phase", "the process has no such phase", record.phase)
        values |= {"process": process, "phase": phase}
        unsaved = [n for n in ("process", "phase") if getattr(values[n], "pk", 0) is None]
        debate = self.save(Debate, {"code": record.code}, values, path, exclude=unsaved)
        nodes = self.node_list(record.nodes, path)
        if debate is not None and not self.errors:
            debate.nodes.set(nodes)

    def load_process(self, record: ProcessRecord, path: Path) -> None:
        values = record.model_dump(exclude={"code", "nodes", "phases"})
        process = self.save(Process, {"code": record.code}, values, path)
        nodes = self.node_list(record.nodes, path)
        if process is None:
            return
        self.processes[record.code] = process
        for position, phase in enumerate(record.phases, start=1):
            self.save(
                ProcessPhase,
                {"process": process, "position": position},
                phase.model_dump(),
                (*path, "phases", position - 1),
                exclude=["process"] if process.pk is None else [],
            )
        if not self.errors:
            process.nodes.set(nodes)

    def load_body(self, record: BodyRecord, path: Path) -> None:
        values = record.model_dump(exclude={"code", "nodes", "members", "process"})
        values["process"] = self.process(record.process, path)
        body = self.save(Body, {"code": record.code}, values, path)
        nodes = self.node_list(record.nodes, path)
        if body is None:
            return
        self.bodies[record.code] = body
        for index, member in enumerate(record.members):
            where = (*path, "members", index)
            organisation = self.organisations.get(member.organisation)
            if organisation is None:
                self.error(where, "organisation", "no such organisation", member.organisation)
                continue
            self.save(
                BodyMember,
                {"body": body, "organisation": organisation},
                member.model_dump(exclude={"organisation"}),
                where,
                exclude=["body"] if body.pk is None else [],
            )
        if not self.errors:
            body.nodes.set(nodes)

    def _place(self, record: MeetingRecord, path: Path) -> dict[str, Any]:
        comune: Territory | None = None
        if record.comune:
            comune = self.comuni.get(record.comune.zfill(6) if record.comune.isdigit() else "")
            comune = comune or self.comuni.get(f"name:{fold(record.comune)}")
            if comune is None:
                self.error(path, "comune", "not a comune of the metropolitan city", record.comune)
        zone = None
        if record.zone is not None:
            zone = self.zones.get(record.zone)
            if zone is None:
                self.error(path, "zone", "no zona omogenea with this number", record.zone)
        return {"comune": comune, "zone": zone}

    def load_meeting(self, record: MeetingRecord, path: Path) -> None:
        process = self.process(record.process, path)
        body = self.body(record.body, path)
        values = record.model_dump(
            exclude={"code", "nodes", "agenda", "attending", "process", "phase", "body"}
        )
        for name in ("starts_at", "ends_at", "registration_closes_at", "minutes_published_at"):
            values[name] = _aware(values[name])
        for name in ("latitude", "longitude"):
            values[name] = None if values[name] is None else Decimal(f"{values[name]:.6f}")
        phase = None
        if process is not None and process.pk is not None and record.phase is not None:
            phase = ProcessPhase.objects.filter(process=process, position=record.phase).first()
            if phase is None:
                self.error(path, "phase", "the process has no such phase", record.phase)
        values |= {"process": process, "phase": phase, "body": body, **self._place(record, path)}
        unsaved = [n for n in ("process", "phase", "body") if getattr(values[n], "pk", 0) is None]
        known = Meeting.objects.filter(code=record.code).exists()
        meeting = self.save(Meeting, {"code": record.code}, values, path, exclude=unsaved)
        nodes = self.node_list(record.nodes, path)
        attending = self._attending(record, body, path)
        if meeting is None or self.errors:
            return
        meeting.nodes.set(nodes)
        meeting.attending_organisations.set(attending)
        if not known:
            self.announced.append(meeting)
        AgendaItem.objects.filter(meeting=meeting).delete()
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=position, **item.model_dump())
            for position, item in enumerate(record.agenda, start=1)
        )

    def _attending(self, record: MeetingRecord, body: Body | None, path: Path) -> list[Any]:
        attending: list[Any] = []
        for code in record.attending:
            if code == "members":
                if body is not None and body.pk is not None:
                    attending += [
                        m.organisation for m in body.members.select_related("organisation")
                    ]
            elif code in self.organisations:
                attending.append(self.organisations[code])
            else:
                self.error(path, "attending", "no such organisation", code)
        return attending

    def load_questionnaire(self, record: QuestionnaireRecord, path: Path) -> None:
        values = record.model_dump(exclude={"code", "questions", "process"})
        values["process"] = self.process(record.process, path)
        values["opens_at"], values["closes_at"] = (
            _aware(values["opens_at"]),
            _aware(values["closes_at"]),
        )
        existing = Questionnaire.objects.filter(code=record.code).first()
        unchanged = existing is not None and _stored_questions(existing) == [
            q.model_dump() for q in record.questions
        ]
        if existing is not None and not unchanged and existing.responses.exists():
            self.error(path, "questions", "people have answered: the questions cannot change")
            return
        questionnaire = self.save(Questionnaire, {"code": record.code}, values, path)
        if questionnaire is None:
            return
        questions: dict[str, Question] = {}
        build = []
        for position, item in enumerate(record.questions, start=1):
            where = (*path, "questions", position - 1)
            question = Question(
                questionnaire=questionnaire,
                position=position,
                **item.model_dump(exclude={"show_if"}),
            )
            if item.show_if is not None:
                question.show_if_values = list(item.show_if.values)
            try:
                question.full_clean(exclude=["questionnaire", "show_if_question"])
            except ValidationError as exc:
                for attribute, messages in exc.message_dict.items():
                    for message in messages:
                        self.error(where, attribute, message, getattr(question, attribute, ""))
            questions[item.code] = question
            build.append((item, question))
        if self.errors:
            return
        if unchanged:
            return  # the same questions: kept as they are, with their answers
        questionnaire.questions.all().delete()
        for item, question in build:
            if item.show_if is not None:
                question.show_if_question = questions[item.show_if.question]
            question.save()
            self.audit.created(question)
        self.report.created["question"] += len(build)


def _stored_questions(questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """The stored questions in the shape of the file's records, to compare them."""
    fields = [name for name in QuestionRecord.model_fields if name != "show_if"]
    stored = []
    for question in questionnaire.questions.select_related("show_if_question").order_by("position"):
        item = {name: getattr(question, name) for name in fields}
        condition = question.show_if_question
        item["show_if"] = (
            None
            if condition is None
            else {"question": condition.code, "values": list(question.show_if_values)}
        )
        stored.append(item)
    return stored


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """A time without a zone is the site's local time."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)


def participation_document_import(
    *,
    document: ParticipationDocument,
    actor: Actor = None,
    channel: str = "import",
    dry_run: bool = False,
) -> ParticipationImportReport:
    """Write a read document (see the module's docstring); nothing is kept on any problem.
    A dry run reports what would change and keeps nothing."""
    loader = _Loader(document, actor, channel)
    try:
        with transaction.atomic():
            loader.run()
            if loader.errors or dry_run:
                raise _Rollback
            loader.audit.save()
            for meeting in loader.announced:
                meeting_announce(meeting=meeting)
    except _Rollback:
        if loader.errors:
            loader.report.created.clear()
            loader.report.updated.clear()
    return loader.report


def participation_import(
    *, data: bytes, actor: Actor = None, channel: str = "import", dry_run: bool = False
) -> ParticipationImportReport:
    """Read a participation file (YAML) and load it."""
    document, errors = read_participation(data)
    if document is None:
        return ParticipationImportReport(errors=errors)
    return participation_document_import(
        document=document, actor=actor, channel=channel, dry_run=dry_run
    )
