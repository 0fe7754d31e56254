"""The participation file: processes with their phases, bodies with their members, meetings
with their agendas, questionnaires with their questions (YAML; layout in docs/formats.md).

Pure: the reader checks the shape, the types, the dates and the references inside the file
(a meeting's process, phase and body, a question's condition) and names the line of every
problem. What the file refers to outside itself (organisations, Missions, comuni, zones) and
the choices of each field are checked by the participation import service.

Times without a zone are local to the site (Europe/Rome for an Italian city).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import RowError
from .limits import YAML_BYTES_LIMIT, year_problem
from .yamlsafe import LineLoader, contains_nul, line_of, without_lines

#: A reference to a node of a framework: "ROLE_OR_CODE:NODE", e.g. "agenda:1.2", "plan:3".
NodeRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*:\S+$", max_length=100)]
Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]
MeetingCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]
Text = Annotated[str, Field(max_length=20_000)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _year_in_range(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and (problem := year_problem(value.year)):
            raise ValueError(problem)
        return value


class Phase(_Record):
    title_it: Annotated[str, Field(min_length=1, max_length=200)]
    title_en: Annotated[str, Field(max_length=200)] = ""
    description_it: Text = ""
    description_en: Text = ""
    start: dt.date
    end: dt.date
    contributions_open: bool = False
    meetings_open: bool = False
    questionnaires_open: bool = False
    comments_open: bool = True


class ProcessRecord(_Record):
    code: Code
    title_it: Annotated[str, Field(min_length=1, max_length=300)]
    title_en: Annotated[str, Field(max_length=300)] = ""
    description_it: Text = ""
    description_en: Text = ""
    status: str = "open"
    nodes: list[NodeRef] = []
    sources: Text = ""
    data_status: str = "confirmed"
    phases: list[Phase] = []


class Member(_Record):
    organisation: Code
    role: str = "member"
    since: dt.date | None = None
    until: dt.date | None = None


class BodyRecord(_Record):
    code: Code
    kind: str
    name_it: Annotated[str, Field(min_length=1, max_length=200)]
    name_en: Annotated[str, Field(max_length=200)] = ""
    description_it: Text = ""
    description_en: Text = ""
    process: Code | None = None
    nodes: list[NodeRef] = []
    sources: Text = ""
    data_status: str = "confirmed"
    members: list[Member] = []


class AgendaEntry(_Record):
    title_it: Annotated[str, Field(min_length=1, max_length=300)]
    title_en: Annotated[str, Field(max_length=300)] = ""
    duration: Annotated[int, Field(ge=1, le=1440)] | None = None


class MeetingRecord(_Record):
    code: MeetingCode
    kind: str
    title_it: Annotated[str, Field(min_length=1, max_length=300)]
    title_en: Annotated[str, Field(max_length=300)] = ""
    description_it: Text = ""
    description_en: Text = ""
    process: Code | None = None
    phase: Annotated[int, Field(ge=1)] | None = None
    body: Code | None = None
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_known: bool = True
    place_name: Annotated[str, Field(max_length=200)] = ""
    address: Annotated[str, Field(max_length=300)] = ""
    comune: Annotated[str, Field(max_length=100)] = ""
    zone: Annotated[int, Field(ge=1, le=999)] | None = None
    latitude: Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | None = None
    online_url: Annotated[str, Field(max_length=200)] = ""
    accessibility_it: Text = ""
    accessibility_en: Text = ""
    nodes: list[NodeRef] = []
    registration_required: bool = False
    capacity: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    registration_closes_at: dt.datetime | None = None
    cancelled: bool = False
    minutes: Annotated[str, Field(max_length=200_000)] = ""
    minutes_published_at: dt.datetime | None = None
    reported_attendance: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    #: Organisation codes, or "members" for every member of the meeting's body.
    attending: list[Code] = []
    sources: Text = ""
    data_status: str = "confirmed"
    agenda: list[AgendaEntry] = []


class Condition(_Record):
    question: Code
    values: list[Annotated[str, Field(max_length=200)]]


class QuestionRecord(_Record):
    code: Code
    kind: str
    text_it: Annotated[str, Field(min_length=1, max_length=500)]
    text_en: Annotated[str, Field(max_length=500)] = ""
    help_it: Annotated[str, Field(max_length=500)] = ""
    help_en: Annotated[str, Field(max_length=500)] = ""
    required: bool = False
    options: list[Annotated[str, Field(max_length=200)]] = []
    rows: list[Annotated[str, Field(max_length=200)]] = []
    allow_other: bool = False
    scale_min: Annotated[int, Field(ge=-100, le=100)] = 1
    scale_max: Annotated[int, Field(ge=-100, le=100)] = 5
    scale_min_label: Annotated[str, Field(max_length=80)] = ""
    scale_max_label: Annotated[str, Field(max_length=80)] = ""
    show_if: Condition | None = None


class QuestionnaireRecord(_Record):
    code: Code
    title_it: Annotated[str, Field(min_length=1, max_length=300)]
    title_en: Annotated[str, Field(max_length=300)] = ""
    description_it: Text = ""
    description_en: Text = ""
    process: Code | None = None
    opens_at: dt.datetime
    closes_at: dt.datetime
    anonymous: bool = True
    data_status: str = "confirmed"
    questions: list[QuestionRecord]


class DebateRecord(_Record):
    """A debate of a process's phase (its arguments are written on the site)."""

    code: Code
    process: Code
    phase: Annotated[int, Field(ge=1)] | None = None
    title_it: Annotated[str, Field(min_length=1, max_length=300)]
    title_en: Annotated[str, Field(max_length=300)] = ""
    description_it: Text = ""
    description_en: Text = ""
    nodes: list[NodeRef] = []
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None
    conclusions_it: Text = ""
    conclusions_en: Text = ""
    data_status: str = "confirmed"

    @model_validator(mode="after")
    def _closed_with_summary(self) -> DebateRecord:
        if self.closed_at is not None and not self.conclusions_it.strip():
            raise ValueError("a closed debate needs its closing summary (conclusions_it)")
        if self.closed_at is not None and self.closed_at < self.opened_at:
            raise ValueError("closed_at is before opened_at")
        return self


class ParticipationDocument(_Record):
    processes: list[ProcessRecord] = []
    bodies: list[BodyRecord] = []
    meetings: list[MeetingRecord] = []
    questionnaires: list[QuestionnaireRecord] = []
    debates: list[DebateRecord] = []
    _lines: dict[tuple[int | str, ...], int] = PrivateAttr(default_factory=dict)

    def line(self, *path: int | str) -> int:
        """The file line of the record at `path` (0 when the document was not read from a
        file)."""
        return self._lines.get(path, 0)

    def shifted(self, *, years: int) -> ParticipationDocument:
        """The same document with every date moved by `years` (29 February becomes the 28th):
        how an illustrative calendar written once stays in the future."""
        if not years:
            return self
        moved = ParticipationDocument.model_validate(_shift(self.model_dump(), years))
        moved._lines = self._lines
        return moved


def _shift(value: Any, years: int) -> Any:
    if isinstance(value, dict):
        return {k: _shift(v, years) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, years) for v in value]
    if isinstance(value, dt.date):  # also datetimes
        try:
            return value.replace(year=value.year + years)
        except ValueError:
            return value.replace(year=value.year + years, day=28)
    return value


def _dangling(document: ParticipationDocument) -> list[tuple[tuple[int | str, ...], str, str]]:
    """References inside the file that name nothing in it: (path, message, value)."""
    problems: list[tuple[tuple[int | str, ...], str, str]] = []
    sections: dict[str, list[Any]] = {
        "processes": list(document.processes),
        "bodies": list(document.bodies),
        "meetings": list(document.meetings),
        "questionnaires": list(document.questionnaires),
    }
    for section, records in sections.items():
        seen: set[str] = set()
        for index, record in enumerate(records):
            if record.code in seen:
                problems.append(((section, index, "code"), "the code appears twice", record.code))
            seen.add(record.code)
    phases = {p.code: len(p.phases) for p in document.processes}
    for index, process in enumerate(document.processes):
        for position, phase in enumerate(process.phases):
            if phase.end < phase.start:
                problems.append(
                    (("processes", index, "phases", position, "end"), "ends before it starts", "")
                )
    for index, meeting in enumerate(document.meetings):
        path: tuple[int | str, ...] = ("meetings", index)
        if meeting.ends_at < meeting.starts_at:
            problems.append(((*path, "ends_at"), "ends before it starts", str(meeting.ends_at)))
        if meeting.phase is not None and meeting.process is None:
            problems.append(((*path, "phase"), "a phase needs the meeting's process", ""))
        if (
            meeting.phase is not None
            and meeting.process in phases
            and meeting.phase > phases[meeting.process]
        ):
            problems.append(
                ((*path, "phase"), "the process in this file has no such phase", str(meeting.phase))
            )
        if (meeting.latitude is None) != (meeting.longitude is None):
            problems.append(((*path, "longitude"), "give both latitude and longitude", ""))
        if "members" in meeting.attending and meeting.body is None:
            problems.append(((*path, "attending"), "'members' needs the meeting's body", ""))
    for index, questionnaire in enumerate(document.questionnaires):
        path = ("questionnaires", index)
        if questionnaire.closes_at <= questionnaire.opens_at:
            problems.append(((*path, "closes_at"), "closes before it opens", ""))
        earlier: dict[str, QuestionRecord] = {}
        for position, question in enumerate(questionnaire.questions):
            where = (*path, "questions", position)
            if question.code in earlier:
                problems.append(((*where, "code"), "the code appears twice", question.code))
            condition = question.show_if
            if condition is not None:
                target = earlier.get(condition.question)
                if target is None:
                    problems.append(
                        (
                            (*where, "show_if"),
                            "must name an earlier question of this questionnaire",
                            condition.question,
                        )
                    )
                elif unknown := [v for v in condition.values if v not in target.options]:
                    problems.append(
                        ((*where, "show_if"), "not an option of that question", unknown[0])
                    )
            earlier[question.code] = question
    return problems


def _field(path: tuple[int | str, ...]) -> str:
    name = ""
    for key in path:
        name += f"[{key + 1}]" if isinstance(key, int) else (f".{key}" if name else str(key))
    return name


def read_participation(data: bytes) -> tuple[ParticipationDocument | None, list[RowError]]:
    """The document, or every problem found in it (row = line of the record)."""
    if len(data) > YAML_BYTES_LIMIT:
        return None, [RowError(0, "file", f"larger than {YAML_BYTES_LIMIT // 1024**2} MB")]
    try:
        loaded = yaml.load(data.decode("utf-8-sig"), Loader=LineLoader)
    except UnicodeDecodeError:
        return None, [RowError(0, "encoding", "the file is not UTF-8 text")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return None, [RowError(line, "yaml", f"not valid YAML: {getattr(exc, 'problem', exc)}")]
    if not isinstance(loaded, dict):
        sections = "processes, bodies, meetings, questionnaires"
        return None, [RowError(0, "file", f"expected a mapping with {sections}")]
    if contains_nul(loaded):
        return None, [RowError(0, "yaml", "a NUL character (written \\0) in a value")]
    try:
        document = ParticipationDocument.model_validate(without_lines(loaded))
    except ValidationError as exc:
        return None, [
            RowError(
                line_of(loaded, tuple(error["loc"])),
                _field(tuple(error["loc"])),
                error["msg"],
                "" if isinstance(error.get("input"), dict | list) else str(error["input"])[:80],
            )
            for error in exc.errors(include_url=False)
        ]
    errors = [
        RowError(line_of(loaded, path), _field(path), message, value)
        for path, message, value in _dangling(document)
    ]
    if errors:
        return None, errors
    document._lines = _record_lines(loaded)
    return document, []


def _record_lines(value: Any, path: tuple[int | str, ...] = ()) -> dict[tuple[int | str, ...], int]:
    lines: dict[tuple[int | str, ...], int] = {}
    if isinstance(value, dict):
        if "__line__" in value:
            lines[path] = int(value["__line__"])
        for key, item in value.items():
            lines.update(_record_lines(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            lines.update(_record_lines(item, (*path, index)))
    return lines
