"""Fixed-window rate limits kept in the "ratelimit" cache (shared by all server processes)."""

from __future__ import annotations

import time

from django.core.cache import caches
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind a proxy, the one the proxy saw (first hop)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_limited(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one hit; True when the key has gone over `limit` hits in this `period` (s)."""
    cache = caches["ratelimit"]
    window = int(time.time() // period)
    name = f"rl:{scope}:{key}:{window}"
    cache.add(name, 0, timeout=period + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=period + 1)
        count = 1
    return count > limit


def rate_limit_reset() -> None:
    caches["ratelimit"].clear()
