"""`/salute/`: what an orchestrator or a load balancer asks before sending traffic.

Checks the data directory (writable, not full), the database (a query), the page cache (a write and a read), the file storage (a
file written, read and deleted through Django's storage API) and the background tasks (the
age of the last one that finished). 200 with `"status": "ok"` when all answer; 503 naming
what failed otherwise. Tasks that have not run for longer than the setting
TERRITORI_HEALTH_TASK_AGE are a warning (`"status": "degraded"`, still 200): a quiet site may
simply have had nothing to do.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _data_directory() -> dict[str, Any]:
    from .middleware import data_dir_problem

    problem = data_dir_problem()
    if problem is not None:
        raise RuntimeError(problem)
    return {}


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _cache() -> dict[str, Any]:
    cache = caches[settings.TERRITORI_PAGE_CACHE_ALIAS]
    key, token = f"territori:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, timeout=30)
    found = cache.get(key)
    cache.delete(key)
    if found != token:
        raise RuntimeError("the cache did not give back what was written")
    return {"backend": type(cache).__name__}


def _storage() -> dict[str, Any]:
    storage = storages["default"]
    name = storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError("the storage did not give back what was written")
    finally:
        storage.delete(name)
    return {"backend": type(storage).__name__}


def _tasks() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    last = (
        DBTaskResult.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if last is None:
        return {"last_finished": None, "warning": "no background task has finished yet"}
    age = (timezone.now() - last).total_seconds()
    result: dict[str, Any] = {"last_finished": last.isoformat(), "age_seconds": round(age)}
    if age > settings.TERRITORI_HEALTH_TASK_AGE:
        result["warning"] = "no background task has finished for longer than expected"
    return result


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "data_directory": _data_directory,
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "tasks": _tasks,
}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {}
    failed = False
    warned = False
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            checks[name] = {"ok": True, **check()}
        except Exception as exc:  # every failure is reported, none raised
            failed = True
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        checks[name]["milliseconds"] = round((time.perf_counter() - started) * 1000, 1)
        warned = warned or "warning" in checks[name]
    status = "fail" if failed else "degraded" if warned else "ok"
    body: dict[str, Any] = {"status": status, "checks": checks}
    if failed:  # the first failure in words, for a monitor that reads one line
        body["problem"] = next(c["error"] for c in checks.values() if not c["ok"])
    return JsonResponse(body, status=503 if failed else 200)
