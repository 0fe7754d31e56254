"""/api/v1/coherence: published coherence matrices and their agreed scores (drafts are never
served)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from territori.coherence import selectors

from .base import ERRORS, Page


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


router = Router(tags=["coherence"])


@router.get("/matrices", response=list[MatrixOut], openapi_extra=ERRORS)
def matrix_list(request: HttpRequest) -> Any:
    return selectors.published_matrix_rows()


@router.get("/matrices/{code}/cells", response=list[CellOut], openapi_extra=ERRORS)
@paginate(Page)
def matrix_cells(request: HttpRequest, code: str) -> Any:
    """The agreed scores of a published matrix."""
    matrix = get_object_or_404(selectors.published_matrices(), code=code)
    return selectors.agreed_score_rows(matrix=matrix)
