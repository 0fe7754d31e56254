"""/api/v1/indicators: the catalogue, observations (JSON and CSV), their import with a token,
assessments and composite indices."""

import csv
import io
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from territori.api.auth import TokenAuth
from territori.indicators import selectors
from territori.io.tabular import csv_cell

from .base import ERRORS, Page, token_errors
from .territories import TerritoryKind

MAX_CSV_ROWS = 200_000


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
    data_status: str = Field(
        description="the indicator's status: confirmed, partial or illustrative (demo data)"
    )


class ObservationFilters(FilterSchema):
    """The filters of an indicator's data download on its page."""

    indicator: str | None = None
    territory: str | None = None
    level: TerritoryKind | None = None
    year_from: int | None = Field(None, ge=1800, le=2200)
    year_to: int | None = Field(None, ge=1800, le=2200)

    def selector_filters(self) -> selectors.ObservationFilters:
        return selectors.ObservationFilters(
            indicator=self.indicator or "",
            territories=(self.territory,) if self.territory else (),
            level=self.level or "",
            year_from=self.year_from,
            year_to=self.year_to,
        )


class IndicatorFilters(FilterSchema):
    """The filters of the indicator catalogue page."""

    mission: str | None = Field(None, description="code of a Mission of the site's agenda")
    axis: str | None = Field(None, description="code of a node of the site's plan")
    sdg: str | None = Field(None, description="code of an SDG goal or target")
    level: TerritoryKind | None = Field(None, description="has values for this level")
    status: Literal["real", "illustrative"] | None = None
    source: str | None = Field(None, max_length=100, description="words of the source")
    q: str | None = Field(None, max_length=100, description="words of the name")

    def selector_filters(self) -> selectors.CatalogueFilters:
        given = {k: v for k, v in self.model_dump().items() if v is not None}
        if "q" in given:
            given["query"] = given.pop("q")
        return selectors.CatalogueFilters(**given)


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
    data_status: str = Field(
        description="the indicator's status: confirmed, partial or illustrative (demo data)"
    )


class AssessmentFilters(FilterSchema):
    indicator: str | None = None
    territory: str | None = None


class CompositeOut(Schema):
    framework: str
    node: str
    territory: str
    year: int
    method: str
    value: float | None
    indicators: int


class CompositeFilters(FilterSchema):
    node: str | None = Field(None, description='"framework:code", or a code in any framework')
    territory: str | None = None
    method: str | None = None


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

router = Router(tags=["indicators"])


@router.get("/", response=list[IndicatorOut], openapi_extra=ERRORS)
@paginate(Page)
def indicator_list(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    """The indicators of the catalogue page, with the same filters."""
    return selectors.indicator_rows(filters=filters.selector_filters())


@router.get("/observations", response=list[ObservationOut], openapi_extra=ERRORS)
@paginate(Page)
def observation_list(request: HttpRequest, filters: Query[ObservationFilters]) -> Any:
    """Observations as JSON pages; `/observations.csv` gives the same rows in one file."""
    return selectors.observation_rows(filters=filters.selector_filters())


@router.get(
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
    rows = selectors.observation_rows(filters=filters.selector_filters())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows.names)
    for count, row in enumerate(rows.tuples(limit=MAX_CSV_ROWS + 1), start=1):
        if count > MAX_CSV_ROWS:
            raise HttpError(422, f"more than {MAX_CSV_ROWS} rows: add filters")
        writer.writerow([csv_cell(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="observations.csv"'
    return response


@router.post(
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
        data=request.body,
        filename=f"api.{IMPORT_SUFFIX[format]}",
        actor=token.user,
        channel="api",
        file_format=format,
        indicator=indicator,
        dry_run=dry_run,
    )
    body = {
        "format": outcome.file_format or format,
        "rows": outcome.rows,
        "created": outcome.created,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "dry_run": dry_run,
        "problems": [{"row": e.row, "field": e.field, "reason": e.message} for e in outcome.errors],
    }
    return Status(200 if outcome.ok else 422, body)


@router.get("/assessments", response=list[AssessmentOut], openapi_extra=ERRORS)
@paginate(Page)
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilters]) -> Any:
    return selectors.assessment_rows(**filters.model_dump())


@router.get("/composites", response=list[CompositeOut], openapi_extra=ERRORS)
@paginate(Page)
def composite_list(request: HttpRequest, filters: Query[CompositeFilters]) -> Any:
    return selectors.composite_rows(**filters.model_dump())
