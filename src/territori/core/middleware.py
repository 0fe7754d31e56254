"""Requests refused before they reach a view."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL = "\x00"
MESSAGE = "NUL characters (0x00) are not accepted in addresses or parameters."


class RefuseNulCharactersMiddleware:
    """A NUL character in the address or a query parameter can never name anything here, and
    PostgreSQL refuses it in text: answer 422 (API, as its other invalid parameters) or 400,
    instead of letting the database raise a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=422)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
