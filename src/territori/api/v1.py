"""The public read API, `/api/v1/` (django-ninja): everything the portal publishes, as JSON
(and observations also as CSV). Lists are paginated with `limit` and `offset` and make a
fixed number of queries whatever their length. Unpublished matrices and hidden
contributions are never served."""

# No `from __future__ import annotations`: django-ninja reads the annotations at import.
import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Query, Router, Schema, Status, Swagger
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import JSONRenderer
from pydantic import AfterValidator

from territori.api.auth import TokenAuth, throttles
from territori.atlas.models import Network, Organisation, Project
from territori.coherence.models import AgreedScore, Matrix
from territori.core import jsonsafe
from territori.frameworks.models import Framework, Node
from territori.indicators.models import Assessment, CompositeValue, Indicator, Observation
from territori.io.tabular import csv_cell
from territori.participation.models import Contribution, Meeting, Process
from territori.territories.models import Territory


class FiniteJSONRenderer(JSONRenderer):
    """JSON with NaN and infinities written as null, so every answer is valid JSON."""

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return jsonsafe.dumps(data, cls=self.encoder_class)


class AccessibleSwagger(Swagger):
    """Swagger UI served from our static files, with a language, a main landmark and colours
    that meet WCAG AA contrast (`territori/css/swagger-a11y.css`)."""

    template = "api/swagger.html"


api = NinjaAPI(
    docs=AccessibleSwagger(settings={"deepLinking": False}),  # its links sit inside buttons
    title="Territori API",
    version="1",
    description=(
        "Open data of a metropolitan Sustainable Development Agenda: "
        "frameworks, territories, indicators and observations, assessments, composites, "
        "published coherence matrices, the atlas and participation. Lists take `limit` "
        "(at most 1000) and `offset`. Licences: see each indicator's `licence`. Text in "
        "parameters and bodies may not contain NUL characters (422)."
    ),
    urls_namespace="api-v1",
    throttle=throttles(settings),
    renderer=FiniteJSONRenderer(),
)
MAX_CSV_ROWS = 200_000


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("NUL characters (0x00) are not accepted")
    return text


#: Text sent to the API: never a NUL character, which PostgreSQL refuses in text columns.
Text = Annotated[str, AfterValidator(_no_nul)]


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        {"detail": f"the request body is larger than the API's limit of {limit:,} bytes"},
        status=413,
    )


_DETAIL = {"application/json": {"schema": {"type": "object", "properties": {"detail": {}}}}}
#: Errors every operation may answer: a missing object, invalid parameters.
#: Error answers every operation documents. Integer codes, like django-ninja's own, so the two
#: merge instead of giving the schema the same key twice (which breaks YAML readers).
ERRORS: dict[str, dict[int | str, Any]] = {
    "responses": {
        404: {"description": "Not found", "content": _DETAIL},
        422: {"description": "Invalid parameters", "content": _DETAIL},
        429: {"description": "Too many requests (see Retry-After)", "content": _DETAIL},
    }
}


def token_errors(scope: str) -> dict[int | str, Any]:
    """The error answers of a write operation: ERRORS and the 401 of a missing scope."""
    return {
        **ERRORS["responses"],
        401: {"description": f"No valid token with the {scope} scope", "content": _DETAIL},
    }


class Page(LimitOffsetPagination):
    """limit (1-1000, default 100) and offset (bounded, so no database overflows)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=100_000_000)


class Rows:
    """A lazy, countable, sliceable list of dicts over `values_list` rows: a page costs one
    count query and one select, however long the list."""

    def __init__(self, rows: Any, names: tuple[str, ...], post: Any = None) -> None:
        self.rows, self.names, self.post = rows, names, post

    def count(self) -> int:
        return int(self.rows.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> list[dict[str, Any]]:
        items = [dict(zip(self.names, row, strict=True)) for row in self.rows[index]]
        return [self.post(item) for item in items] if self.post else items


# --- Frameworks -----------------------------------------------------------------------------


class FrameworkOut(Schema):
    code: str
    short_name: str
    name_it: str
    name_en: str
    version: str
    status: str


class NodeOut(Schema):
    framework: str
    code: str
    level: str
    parent: str | None
    title_it: str
    title_en: str
    status: str


frameworks = Router(tags=["frameworks"])


@frameworks.get("/", response=list[FrameworkOut], openapi_extra=ERRORS)
def framework_list(request: HttpRequest) -> Any:
    return Framework.objects.order_by("order", "code").values(
        "code", "short_name", "name_it", "name_en", "version", "status"
    )


@frameworks.get("/{code}/nodes", response=list[NodeOut], openapi_extra=ERRORS)
@paginate(Page)
def node_list(request: HttpRequest, code: str, level: str | None = None) -> Any:
    framework = get_object_or_404(Framework, code=code)
    nodes = Node.objects.filter(framework=framework).order_by("depth", "order", "code")
    if level:
        nodes = nodes.filter(level=level)
    names = ("code", "level", "parent", "title_it", "title_en", "status")
    rows = nodes.values_list("code", "level", "parent__code", "title_it", "title_en", "status")
    return Rows(rows, names, post=lambda item: {**item, "framework": code})


# --- Territories -------------------------------------------------------------------------------


class TerritoryOut(Schema):
    code: str
    kind: str
    name: str
    number: int | None
    parent: str | None


territories = Router(tags=["territories"])
TerritoryKind = Literal["country", "region", "province", "metro_city", "zona", "comune"]


@territories.get("/", response=list[TerritoryOut], openapi_extra=ERRORS)
@paginate(Page)
def territory_list(request: HttpRequest, kind: TerritoryKind | None = None) -> Any:
    rows = Territory.objects.order_by("kind", "code")
    if kind:
        rows = rows.filter(kind=kind)
    names = ("code", "kind", "name", "number", "parent")
    return Rows(rows.values_list("code", "kind", "name", "number", "parent__code"), names)


@territories.get("/{code}/geojson", response=dict[str, Any], openapi_extra=ERRORS)
def territory_geojson(request: HttpRequest, code: str) -> Any:
    """The boundary as a GeoJSON Feature (WGS84); `geometry` is null when not loaded."""
    territory = get_object_or_404(Territory, code=code)
    return {
        "type": "Feature",
        "id": territory.code,
        "properties": {"code": territory.code, "name": territory.name, "kind": territory.kind},
        "geometry": territory.boundary,
    }


# --- Indicators, observations, assessments, composites ---------------------------------------


class IndicatorOut(Schema):
    code: str
    category: str
    name_it: str
    name_en: str
    unit: str
    polarity: int
    source: str
    licence: str
    status: str


class ObservationOut(Schema):
    indicator: str
    territory: str
    level: str
    year: int
    breakdown: str
    value: float
    provisional: bool
    estimated: bool


class ObservationFilters(Schema):
    indicator: str | None = None
    territory: str | None = None
    level: TerritoryKind | None = None
    year_from: int | None = Field(None, ge=1800, le=2200)
    year_to: int | None = Field(None, ge=1800, le=2200)


class AssessmentOut(Schema):
    indicator: str
    territory: str
    method: str
    window: str
    start_year: int | None
    end_year: int | None
    cagr: float | None
    required_cagr: float | None
    score: float | None
    status: str


class CompositeOut(Schema):
    framework: str
    node: str
    territory: str
    year: int
    method: str
    value: float | None
    indicators: int


indicators = Router(tags=["indicators"])
OBSERVATION_FIELDS = (
    "indicator__code", "territory__code", "territory__kind", "year", "breakdown", "value",
    "provisional", "estimated",
)  # fmt: skip
OBSERVATION_NAMES = (
    "indicator",
    "territory",
    "level",
    "year",
    "breakdown",
    "value",
    "provisional",
    "estimated",
)


@indicators.get("/", response=list[IndicatorOut], openapi_extra=ERRORS)
def indicator_list(request: HttpRequest) -> Any:
    return Indicator.objects.order_by("order", "code").values(
        "code", "category", "name_it", "name_en", "unit", "polarity", "source", "licence", "status"
    )


def _observations(filters: ObservationFilters) -> QuerySet[Observation]:
    rows = Observation.objects.order_by("indicator__code", "territory__code", "year", "breakdown")
    if filters.indicator:
        rows = rows.filter(indicator__code=filters.indicator)
    if filters.territory:
        rows = rows.filter(territory__code=filters.territory)
    if filters.level:
        rows = rows.filter(territory__kind=filters.level)
    if filters.year_from:
        rows = rows.filter(year__gte=filters.year_from)
    if filters.year_to:
        rows = rows.filter(year__lte=filters.year_to)
    return rows


@indicators.get("/observations", response=list[ObservationOut], openapi_extra=ERRORS)
@paginate(Page)
def observation_list(request: HttpRequest, filters: Query[ObservationFilters]) -> Any:
    """Observations as JSON pages; `/observations.csv` gives the same rows in one file."""
    return Rows(_observations(filters).values_list(*OBSERVATION_FIELDS), OBSERVATION_NAMES)


@indicators.get(
    "/observations.csv",
    response={200: str},
    openapi_extra={
        "responses": {
            **ERRORS["responses"],
            200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
        }
    },
)
def observation_csv(request: HttpRequest, filters: Query[ObservationFilters]) -> HttpResponse:
    """All matching observations (up to 200,000) as CSV, in one query."""
    rows = _observations(filters).values_list(*OBSERVATION_FIELDS)[: MAX_CSV_ROWS + 1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OBSERVATION_NAMES)
    for count, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        if count > MAX_CSV_ROWS:
            raise HttpError(422, f"more than {MAX_CSV_ROWS} rows: add filters")
        writer.writerow([csv_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="observations.csv"'
    return response


class ImportProblem(Schema):
    row: int
    field: str
    reason: str


class ImportOut(Schema):
    format: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    problems: list[ImportProblem]


IMPORT_FORMATS = Literal["tidy", "sdmx-csv", "sdmx-ml", "json-stat"]
IMPORT_SUFFIX = {"tidy": "csv", "sdmx-csv": "csv", "sdmx-ml": "xml", "json-stat": "json"}


@indicators.post(
    "/observations/import",
    response={200: ImportOut, 401: dict[str, Any], 422: ImportOut},
    auth=TokenAuth("write-indicators", "indicators.add_observation"),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/xml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        },
        "responses": token_errors("write-indicators"),
    },
)
def observation_import(
    request: HttpRequest,
    format: IMPORT_FORMATS = "tidy",
    indicator: str | None = None,
    dry_run: bool = False,
) -> Any:
    """Import observations (the body is the file: tidy CSV, SDMX-CSV, SDMX-ML or JSON-stat),
    all or nothing, as `territori import-indicators` does; problems name row, field, reason."""
    from territori.indicators.services import observations_import

    token = request.auth  # type: ignore[attr-defined]
    outcome = observations_import(
        data=request.body, filename=f"api.{IMPORT_SUFFIX[format]}", actor=token.user, channel="api",
        file_format=format, indicator=indicator, dry_run=dry_run,
    )  # fmt: skip
    body = {
        "format": outcome.file_format or format, "rows": outcome.rows, "created": outcome.created,
        "updated": outcome.updated, "unchanged": outcome.unchanged, "dry_run": dry_run,
        "problems": [{"row": e.row, "field": e.field, "reason": e.message} for e in outcome.errors],
    }  # fmt: skip
    return Status(200 if outcome.ok else 422, body)


@indicators.get("/assessments", response=list[AssessmentOut], openapi_extra=ERRORS)
@paginate(Page)
def assessment_list(
    request: HttpRequest, indicator: str | None = None, territory: str | None = None
) -> Any:
    rows = Assessment.objects.order_by("indicator__code", "territory__code", "method", "window")
    if indicator:
        rows = rows.filter(indicator__code=indicator)
    if territory:
        rows = rows.filter(territory__code=territory)
    names = (
        "indicator",
        "territory",
        "method",
        "window",
        "start_year",
        "end_year",
        "cagr",
        "required_cagr",
        "score",
        "status",
    )
    return Rows(rows.values_list("indicator__code", "territory__code", *names[2:]), names)


@indicators.get("/composites", response=list[CompositeOut], openapi_extra=ERRORS)
@paginate(Page)
def composite_list(
    request: HttpRequest,
    node: str | None = None,
    territory: str | None = None,
    method: str | None = None,
) -> Any:
    rows = CompositeValue.objects.order_by(
        "node__framework__code", "node__code", "territory__code", "year", "method"
    )
    if node:
        framework, _sep, code = node.rpartition(":")
        rows = rows.filter(
            node__code=code, **({"node__framework__code": framework} if framework else {})
        )
    if territory:
        rows = rows.filter(territory__code=territory)
    if method:
        rows = rows.filter(method=method)
    names = ("framework", "node", "territory", "year", "method", "value", "indicators")
    values = rows.values_list(
        "node__framework__code",
        "node__code",
        "territory__code",
        "year",
        "method",
        "value",
        "indicators",
    )
    return Rows(values, names)


# --- Coherence (published matrices only) ----------------------------------------------------------


class MatrixOut(Schema):
    code: str
    title_it: str
    title_en: str
    analysis: str
    direction: str
    data_status: str
    published_at: dt.datetime | None


class CellOut(Schema):
    row_framework: str
    row: str
    column_framework: str
    column: str
    score: int


coherence = Router(tags=["coherence"])


def _published() -> QuerySet[Matrix]:
    return Matrix.objects.filter(status=Matrix.Status.PUBLISHED)


@coherence.get("/matrices", response=list[MatrixOut], openapi_extra=ERRORS)
def matrix_list(request: HttpRequest) -> Any:
    return (
        _published()
        .order_by("code")
        .values(
            "code", "title_it", "title_en", "analysis", "direction", "data_status", "published_at"
        )
    )


@coherence.get("/matrices/{code}/cells", response=list[CellOut], openapi_extra=ERRORS)
@paginate(Page)
def matrix_cells(request: HttpRequest, code: str) -> Any:
    """The agreed scores of a published matrix."""
    matrix = get_object_or_404(_published(), code=code)
    names = ("row_framework", "row", "column_framework", "column", "score")
    values = (
        AgreedScore.objects.filter(matrix=matrix)
        .order_by("row__code", "column__code")
        .values_list(
            "row__framework__code", "row__code", "column__framework__code", "column__code", "score"
        )
    )
    return Rows(values, names)


# --- Atlas -----------------------------------------------------------------------------------------


class ProjectOut(Schema):
    code: str
    cup: str
    title: str
    origin: str
    status: str
    total_funding: float | None
    commitments: float | None
    payments: float | None
    progress: int | None
    data_status: str


class NetworkOut(Schema):
    code: str
    name: str
    kind: str
    lead: str | None
    start: dt.date | None
    end: dt.date | None
    status: str


class OrganisationOut(Schema):
    code: str
    name: str
    kind: str
    seat: str | None
    status: str


atlas = Router(tags=["atlas"])


@atlas.get("/projects", response=list[ProjectOut], openapi_extra=ERRORS)
@paginate(Page)
def project_list(request: HttpRequest, origin: str | None = None, comune: str | None = None) -> Any:
    rows = Project.objects.order_by("code")
    if origin:
        rows = rows.filter(origin=origin)
    if comune:
        rows = rows.filter(places__territory__code=comune).distinct()
    return rows.values(
        "code",
        "cup",
        "title",
        "origin",
        "status",
        "total_funding",
        "commitments",
        "payments",
        "progress",
        "data_status",
    )


class ProjectUpdateIn(Schema):
    text: Text = Field(..., min_length=1, max_length=5000)
    progress: int | None = Field(None, ge=0, le=100)
    milestone: Text = Field("", max_length=300)
    milestone_due: dt.date | None = None


class ProjectUpdateOut(Schema):
    project: str
    date: dt.datetime
    text: str
    changes: dict[str, Any]


@atlas.post(
    "/projects/{code}/updates",
    response={201: ProjectUpdateOut, 401: dict[str, Any]},
    auth=TokenAuth("write-atlas", "atlas.add_projectupdate"),
    openapi_extra={"responses": token_errors("write-atlas")},
)
def project_update_create(request: HttpRequest, code: str, payload: ProjectUpdateIn) -> Any:
    """Add a dated entry to a project's public log (and optionally its progress and a
    milestone), as staff do on the project page; audited under the token's user."""
    from territori.atlas.services import project_update_add

    project = get_object_or_404(Project, code=code)
    if not payload.text.strip():
        raise HttpError(422, "text: required")
    update = project_update_add(
        project=project, text=payload.text, actor=request.auth.user,  # type: ignore[attr-defined]
        progress=payload.progress, milestone=payload.milestone.strip(),
        milestone_due=payload.milestone_due, channel="api",
    )  # fmt: skip
    body = {
        "project": code,
        "date": update.created_at,
        "text": update.text,
        "changes": update.changes,
    }
    return Status(201, body)


@atlas.get("/networks", response=list[NetworkOut], openapi_extra=ERRORS)
@paginate(Page)
def network_list(request: HttpRequest, kind: str | None = None) -> Any:
    rows = Network.objects.order_by("code")
    if kind:
        rows = rows.filter(kind=kind)
    names = ("code", "name", "kind", "lead", "start", "end", "status")
    return Rows(
        rows.values_list("code", "name", "kind", "lead__code", "start", "end", "status"), names
    )


@atlas.get("/organisations", response=list[OrganisationOut], openapi_extra=ERRORS)
@paginate(Page)
def organisation_list(request: HttpRequest, kind: str | None = None) -> Any:
    rows = Organisation.objects.order_by("code")
    if kind:
        rows = rows.filter(kind=kind)
    names = ("code", "name", "kind", "seat", "status")
    return Rows(rows.values_list("code", "name", "kind", "territory__code", "status"), names)


# --- Participation ---------------------------------------------------------------------------------


class ProcessOut(Schema):
    code: str
    title_it: str
    title_en: str
    status: str
    data_status: str


class MeetingOut(Schema):
    code: str
    kind: str
    title_it: str
    title_en: str
    process: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_known: bool
    place_name: str
    comune: str | None
    zone: str | None
    online_url: str
    cancelled: bool
    minutes_published: bool
    data_status: str


class ContributionOut(Schema):
    id: int
    process: str
    kind: str
    title: str
    body: str
    status: str
    answer: str
    zone: str | None
    supports: int
    submitted: dt.datetime
    data_status: str


participation = Router(tags=["participation"])


@participation.get("/processes", response=list[ProcessOut], openapi_extra=ERRORS)
def process_list(request: HttpRequest) -> Any:
    return Process.objects.order_by("code").values(
        "code", "title_it", "title_en", "status", "data_status"
    )


@participation.get("/meetings", response=list[MeetingOut], openapi_extra=ERRORS)
@paginate(Page)
def meeting_list(request: HttpRequest, process: str | None = None, kind: str | None = None) -> Any:
    rows = Meeting.objects.order_by("starts_at", "code")
    if process:
        rows = rows.filter(process__code=process)
    if kind:
        rows = rows.filter(kind=kind)
    names = (
        "code", "kind", "title_it", "title_en", "process", "starts_at", "ends_at", "time_known",
        "place_name", "comune", "zone", "online_url", "cancelled", "minutes_published", "data_status",
    )  # fmt: skip
    values = rows.values_list(
        "code", "kind", "title_it", "title_en", "process__code", "starts_at", "ends_at", "time_known",
        "place_name", "comune__code", "zone__code", "online_url", "cancelled", "minutes_published_at", "data_status",
    )  # fmt: skip
    return Rows(
        values,
        names,
        post=lambda item: {**item, "minutes_published": item["minutes_published"] is not None},
    )


@participation.get("/contributions", response=list[ContributionOut], openapi_extra=ERRORS)
@paginate(Page)
def contribution_list(
    request: HttpRequest, process: str | None = None, status: str | None = None
) -> Any:
    """Public contributions (hidden ones are left out); authors are not published."""
    rows = Contribution.objects.filter(hidden_at__isnull=True).order_by("-created_at", "-id")
    if process:
        rows = rows.filter(process__code=process)
    if status:
        rows = rows.filter(status=status)
    names = (
        "id",
        "process",
        "kind",
        "title",
        "body",
        "status",
        "answer",
        "zone",
        "supports",
        "submitted",
        "data_status",
    )
    values = rows.values_list(
        "id",
        "process__code",
        "kind",
        "title",
        "body",
        "status",
        "answer",
        "zone__code",
        "support_count",
        "created_at",
        "data_status",
    )
    return Rows(values, names)


class AnswerIn(Schema):
    status: Text = Field(description="received, evaluating, accepted, incorporated or rejected")
    answer: Text = Field(
        "", max_length=20000, description="Official answer (needed for a decision)"
    )


class AnswerOut(Schema):
    id: int
    status: str
    answer: str
    answered: dt.datetime | None


@participation.post(
    "/contributions/{pk}/answer",
    response={200: AnswerOut, 401: dict[str, Any]},
    auth=TokenAuth("write-participation", "participation.change_contribution"),
    openapi_extra={"responses": token_errors("write-participation")},
)
def contribution_answer_create(request: HttpRequest, pk: int, payload: AnswerIn) -> Any:
    """Move a public contribution along the workflow with the official answer, as moderators
    do in the back office; audited under the token's user. A decision without an answer is
    refused (422, naming the field)."""
    from territori.participation.services import ParticipationError, contribution_answer

    contribution = get_object_or_404(Contribution.objects.filter(hidden_at__isnull=True), pk=pk)
    try:
        contribution_answer(
            contribution,
            status=payload.status,
            answer=payload.answer,
            actor=request.auth.user,  # type: ignore[attr-defined]
            channel="api",
        )
    except ParticipationError as exc:
        raise HttpError(422, f"{exc.field}: {exc}") from exc
    return {
        "id": contribution.pk,
        "status": contribution.status,
        "answer": contribution.answer,
        "answered": contribution.answered_at,
    }


# --- Comparisons among the metropolitan cities ------------------------------------------------


class TrendOut(Schema):
    status: str
    cagr: float | None
    start_year: int | None
    end_year: int | None


class ComparisonRowOut(Schema):
    territory: str
    name: str
    kind: str
    home: bool
    value: float | None
    rank: int | None
    from_best: float | None
    from_median: float | None
    tercile: int | None
    long_term: TrendOut | None
    short_term: TrendOut | None


class RankOut(Schema):
    territory: str
    year: int
    rank: int


class ComparisonOut(Schema):
    indicator: str
    status: str = Field(description="confirmed (real data) or illustrative (invented demo data)")
    source: str
    licence: str
    edition: str
    polarity_confirmed: bool
    year: int | None
    years: list[int]
    ranked: int
    best: float | None
    median: float | None
    rows: list[ComparisonRowOut]
    references: list[ComparisonRowOut]
    ranks: list[RankOut]


class ComparisonFilters(Schema):
    year: int | None = Field(
        None, ge=1900, le=2100, description="default: the latest year most peers have"
    )
    provinces: bool = Field(
        False, description="rank every province, not only the 14 metropolitan cities"
    )


class ScoreItemOut(Schema):
    indicator: str
    group: str | None
    year: int | None
    value: float | None
    rank: int | None
    of: int
    tercile: int | None
    long_term: TrendOut | None


class ScorecardOut(Schema):
    territory: str
    grouping: str
    peers: int
    items: list[ScoreItemOut]


class CompositePointOut(Schema):
    territory: str
    year: int
    value: float


class PeerCompositeOut(Schema):
    node: str
    title_it: str
    title_en: str
    indicators: list[str]
    left_out: list[str]
    reference: str
    reference_year: int | None
    values: list[CompositePointOut]


comparisons = Router(tags=["comparisons"])


def _trend_out(trend: Any) -> dict[str, Any] | None:
    return None if trend is None else trend.__dict__


def _row_out(row: Any) -> dict[str, Any]:
    return {
        "territory": row.place.code,
        "name": row.place.label,
        "kind": row.place.kind,
        "home": row.place.is_home,
        "value": row.value,
        "rank": row.rank,
        "from_best": row.from_best,
        "from_median": row.from_median,
        "tercile": row.tercile or None,
        "long_term": _trend_out(row.long),
        "short_term": _trend_out(row.short),
    }


@comparisons.get("/indicators/{code}", response=ComparisonOut, openapi_extra=ERRORS)
def comparison_detail(request: HttpRequest, code: str, filters: Query[ComparisonFilters]) -> Any:
    """One indicator across the metropolitan cities (or every province), with the home region
    and Italy: value, rank and distances in a year, ranks over time, trends."""
    from territori.indicators.comparisons import indicator_comparison

    indicator = get_object_or_404(Indicator, code=code)
    result = indicator_comparison(
        indicator=indicator, provinces=filters.provinces, year=filters.year
    )
    return {
        "indicator": indicator.code,
        "status": indicator.status,
        "source": indicator.source,
        "licence": indicator.licence,
        "edition": indicator.edition,
        "polarity_confirmed": indicator.polarity_confirmed,
        "year": result.year,
        "years": result.years,
        "ranked": result.count,
        "best": result.best,
        "median": result.median,
        "rows": [_row_out(r) for r in result.rows],
        "references": [_row_out(r) for r in result.references],
        "ranks": [
            {"territory": r["code"], "year": r["year"], "rank": r["rank"]} for r in result.ranks
        ],
    }


@comparisons.get("/scorecards/{territory}", response=ScorecardOut, openapi_extra=ERRORS)
def scorecard_detail(request: HttpRequest, territory: str, grouping: str = "bes") -> Any:
    """A metropolitan city's (or province's) rank among its peers on every indicator, grouped
    by the nodes of a framework (`bes` domains by default, or e.g. the agenda's Missions)."""
    from territori.indicators.comparisons import scorecard

    place = get_object_or_404(
        Territory.objects.defer("boundary"),
        code=territory,
        kind__in=[Territory.Kind.METRO_CITY, Territory.Kind.PROVINCE],
    )
    card = scorecard(territory=place, framework_code=grouping)
    return {
        "territory": place.code,
        "grouping": grouping,
        "peers": card.peers,
        "items": [
            {
                "indicator": item.indicator.code,
                "group": group.node.code if group.node else None,
                "year": item.year,
                "value": item.value,
                "rank": item.rank,
                "of": item.count,
                "tercile": item.tercile or None,
                "long_term": _trend_out(item.trend),
            }
            for group in card.groups
            for item in group.items
        ],
    }


@comparisons.get("/composites", response=list[PeerCompositeOut], openapi_extra=ERRORS)
def peer_composite_list(request: HttpRequest, grouping: str = "bes") -> Any:
    """AMPI of each node's indicators across the metropolitan cities and Italy (Italy in the
    first year it has every indicator = 100)."""
    from territori.indicators.comparisons import peer_composites

    return [
        {
            "node": item.node.code,
            "title_it": item.node.title_it,
            "title_en": item.node.title_en,
            "indicators": [i.code for i in item.indicators],
            "left_out": [c for c in item.note.split(", ") if c],
            "reference": "IT",
            "reference_year": item.reference_year,
            "values": [
                {"territory": name, "year": year, "value": value}
                for name, points in item.values.items()
                for year, value in points
            ],
        }
        for item in peer_composites(framework_code=grouping)
    ]


api.add_router("/frameworks", frameworks)
api.add_router("/territories", territories)
api.add_router("/indicators", indicators)
api.add_router("/coherence", coherence)
api.add_router("/atlas", atlas)
api.add_router("/participation", participation)
api.add_router("/comparisons", comparisons)
