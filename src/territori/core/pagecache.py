"""Public pages served from a cache, per address and language, never stale.

Every write to the database (an import, a publication, a recomputation, a staff edit, a
contribution: any INSERT, UPDATE or DELETE on the project's tables, bulk ones included) gives
the data a new version once its transaction commits; a page is cached under the version that
was current when it was built, so the first request after a change builds it again. The
version is a random token, not a counter, so two writers committing at once can never leave
it unchanged.

Only what is the same for every visitor is cached: GET and HEAD from visitors who are not
signed in and carry no session, answers 200 without cookies, pages that did not use a CSRF
token or a message; never the back office, the account pages or the participation forms.
Cached answers carry an ETag, so browsers and proxies revalidate with a 304.

A cached answer still counts against the rate limits of its address: the checks named in
`TERRITORI_PAGE_CACHE_LIMITS` (path prefix → callable taking the request, false when over
the limit) run before a hit or a 304 is served; over the limit, the request goes on to its
view, which refuses it as it would without the cache.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

VERSION_KEY = "territori:data-version"
#: Tables whose writes never change a public page (sessions, caches, task bookkeeping,
#: rate-limit and login-failure counters).
IGNORED_TABLES = frozenset(
    {
        "django_session",
        "django_cache",
        "django_tasks_database_dbtaskresult",
        "participation_loginfailure",
    }
)
#: Addresses never cached (after the language prefix): the back office, accounts, forms.
PRIVATE_PREFIXES = ("/staff/", "/admin/", "/account/", "/partecipa/", "/i18n/")
#: Answers bigger than this are not kept (big downloads are built again).
LARGEST = 5 * 1024 * 1024
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Vary")
#: A kept page is built again after an hour even without a change of data (what depends on
#: the time of day), and the next day.
KEPT_SECONDS = 3600

_WRITE = re.compile(
    r"""^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+["`]?([A-Za-z0-9_]+)""",
    re.IGNORECASE,
)


def _cache() -> Any:
    return caches[settings.TERRITORI_PAGE_CACHE_ALIAS]


def data_version() -> str:
    """The current version of the data (a token; a new one after every committed write)."""
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY) or version
    return str(version)


def data_changed() -> None:
    """Give the data a new version: every cached page is built again when next asked for."""
    _cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _bump_on_commit() -> None:
    data_changed()


def watch_writes(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    """A database execute wrapper: after a write to a table that public pages read, a new
    data version (at commit when inside a transaction, at once otherwise)."""
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql) if isinstance(sql, str) else None
    if match is None or match.group(1).lower() in IGNORED_TABLES:
        return result
    connection = context["connection"]
    if connection.in_atomic_block:
        # once per transaction: a rolled back transaction drops its callbacks (and the bump)
        if not any(entry[1] is _bump_on_commit for entry in connection.run_on_commit):
            transaction.on_commit(_bump_on_commit, using=connection.alias)
    else:
        data_changed()
    return result


def install_watch(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: watch the writes of every new connection."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def without_language(path: str) -> str:
    """An address of the site without its language prefix ("/en/indicatori/" → "/indicatori/")."""
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if path.startswith(prefix):
            return path[len(prefix) - 1 :]
    return path


def _shared_request(request: HttpRequest) -> bool:
    """A request whose answer is the same for every visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not without_language(request.path).startswith(PRIVATE_PREFIXES)


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return False
    if "cookie" in response.get("Vary", "").lower():
        return False
    storage = getattr(request, "_messages", None)
    if storage is not None and (getattr(storage, "_queued_messages", None) or storage.used):
        return False
    return len(response.content) <= LARGEST


def _entity_tag(version: str, key: str) -> str:
    return f'W/"{hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32]}"'


def _revalidate(response: HttpResponse, tag: str) -> None:
    response["ETag"] = tag
    # shared copies must be checked every time, and are not for signed-in visitors
    response["Cache-Control"] = "public, no-cache"
    patch_vary_headers(response, ("Cookie",))


class PageCacheMiddleware:
    """Serve shared public pages from the cache (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limits = [
            (prefix, import_string(path))
            for prefix, path in getattr(settings, "TERRITORI_PAGE_CACHE_LIMITS", {}).items()
        ]

    def _within_limits(self, request: HttpRequest) -> bool:
        """Whether the rate limits of the request's address let a cached answer go out (each
        check counts this request)."""
        path = without_language(request.path)
        return all(allowed(request) for prefix, allowed in self.limits if path.startswith(prefix))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.TERRITORI_PAGE_CACHE or not _shared_request(request):
            return self.get_response(request)
        version = data_version()
        language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        # the day too (what is "upcoming" or "this month" changes with it) and whether htmx
        # asks for a fragment of the page
        fragment = "fragment" if request.headers.get("HX-Request") else "page"
        address = f"{language}|{timezone.localdate()}|{fragment}|{request.get_full_path()}"
        key = "page:" + hashlib.sha256(f"{version}|{address}".encode()).hexdigest()
        tag = _entity_tag(version, address)
        revalidating = request.headers.get("If-None-Match") == tag
        kept = None if revalidating else _cache().get(key)
        if (revalidating or kept is not None) and not self._within_limits(request):
            return self.get_response(request)  # the view answers 429
        if revalidating:
            response: HttpResponse = HttpResponseNotModified()
            _revalidate(response, tag)
            return response
        if kept is not None:
            content, headers = kept
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            response["X-Page-Cache"] = "hit"
            _revalidate(response, tag)
            return response
        response = self.get_response(request)
        if _shareable(request, response):
            headers = {name: response[name] for name in KEPT_HEADERS if name in response}
            _cache().set(key, (response.content, headers), timeout=KEPT_SECONDS)
            response["X-Page-Cache"] = "miss"
            _revalidate(response, tag)
        return response
