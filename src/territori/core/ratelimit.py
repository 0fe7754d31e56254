"""Fixed-window rate limits kept in the "ratelimit" cache (shared by all server processes)."""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies.

    With TERRITORI_TRUSTED_PROXIES = 0 (the default: the server faces the clients) the
    header is ignored, since any client can write it. With N trusted proxies in front, each
    appends the address it saw, so the client is the N-th address from the right; whatever
    the client wrote further left is never read. The API's throttles use the same rule
    (NINJA_NUM_PROXIES is set from the same setting).
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TERRITORI_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if not hops:
        return remote
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a malformed header: fall back to the proxy's own address
        return remote


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
