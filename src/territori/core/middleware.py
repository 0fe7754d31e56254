"""Requests refused before they reach a view."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
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


#: Free space below which the data directory counts as full (the health check fails).
DATA_DIR_MIN_FREE = 50 * 1024 * 1024
_STORAGE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EDQUOT, errno.EACCES}


def data_dir_problem(path: Path | None = None) -> str | None:
    """Why the data directory (database, caches, uploads) cannot take writes, or None."""
    path = path or Path(settings.VAR_DIR)
    try:
        if not path.is_dir():
            return f"the data directory {path} does not exist"
        if not os.access(path, os.W_OK):
            return f"the data directory {path} is read-only"
        free = shutil.disk_usage(path).free
    except OSError as exc:
        return f"the data directory {path} cannot be read ({exc.strerror})"
    if free < DATA_DIR_MIN_FREE:
        return f"the data directory {path} is full ({free // 1024**2} MB free)"
    return None


def _storage_failure(exc: Exception) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in _STORAGE_ERRNOS
    if isinstance(exc, OperationalError | sqlite3.OperationalError):
        text = str(exc).lower()
        return any(
            marker in text
            for marker in ("readonly database", "read-only", "disk is full", "disk i/o error")
        )
    return False


class StorageFailureMiddleware:
    """When the data directory turns read-only or fills up, a request that needed to write
    gets a maintenance page (503, with Retry-After) that says so, instead of a server error;
    the health check (`/salute/`) fails with the same reason, so monitoring sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _storage_failure(exception):
            return None
        reason = data_dir_problem() or str(exception)
        logger.error("maintenance page for %s: %s", request.path, reason)
        if request.path_info.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": f"maintenance: {reason}"}, status=503)
        else:
            body = render_to_string(
                "portal/maintenance.html",
                {
                    "title": _("Temporarily unavailable"),
                    "text": _(
                        "The site cannot save data at the moment, so this page is not "
                        "available. Please try again later."
                    ),
                },
                request=request,
            )
            response = HttpResponse(body, status=503)
        response["Retry-After"] = "300"
        return response


class SecurityHeadersMiddleware:
    """The Content-Security-Policy and Permissions-Policy of every answer (settings
    TERRITORI_CONTENT_SECURITY_POLICY and TERRITORI_PERMISSIONS_POLICY).

    The policy allows scripts and styles from the site only: no inline scripts or styles,
    no eval (charts use Vega's expression interpreter), no frames of the site elsewhere.
    Django 6.0 brings its own CSP middleware; until then this is the whole of it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.TERRITORI_CONTENT_SECURITY_POLICY
        self.permissions = settings.TERRITORI_PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
