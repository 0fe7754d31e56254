"""The public API, `/api/v1/` (django-ninja): everything the portal publishes, as JSON (and
observations also as CSV), one router a module. Lists are paginated with `limit` and `offset`
or a keyset `cursor`,
declare their filters as FilterSchema and read through the same selectors as the pages, with a
fixed number of queries whatever their length. Unpublished matrices and hidden contributions
are never served."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from territori.api.auth import throttles

from . import atlas, coherence, comparisons, frameworks, indicators, participation, territories
from .base import AccessibleSwagger, FiniteJSONRenderer

api = NinjaAPI(
    docs=AccessibleSwagger(settings={"deepLinking": False}),  # its links sit inside buttons
    title="Territori API",
    version="1",
    description=(
        "Open data of a metropolitan Sustainable Development Agenda: "
        "frameworks, territories, indicators and observations, assessments, composites, "
        "published coherence matrices, the atlas and participation. Lists take `limit` "
        "(at most 1000) and `offset`, or the `cursor` the previous page gave as `next_cursor` "
        "(as fast deep in a list as at its start). Licences: see each indicator's `licence`. Text in "
        "parameters and bodies may not contain NUL characters (422)."
    ),
    urls_namespace="api-v1",
    throttle=throttles(settings),
    renderer=FiniteJSONRenderer(),
)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        {"detail": f"the request body is larger than the API's limit of {limit:,} bytes"},
        status=413,
    )


api.add_router("/frameworks", frameworks.router)
api.add_router("/territories", territories.router)
api.add_router("/indicators", indicators.router)
api.add_router("/coherence", coherence.router)
api.add_router("/atlas", atlas.router)
api.add_router("/participation", participation.router)
api.add_router("/comparisons", comparisons.router)
