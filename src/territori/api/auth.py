"""Bearer tokens for the write API, and rate limits per token and per address."""

from __future__ import annotations

import copy
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from .models import ApiToken, token_hash


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ter_…` with the scope the operation needs; the token's user
    must also hold the permission (a token never does more than its user)."""

    def __init__(self, scope: str, permission: str) -> None:
        super().__init__()
        self.scope = scope
        self.permission = permission

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.objects.select_related("user").filter(key_hash=token_hash(token)).first()
        if found is None or not found.active() or self.scope not in found.scopes:
            return None
        user = found.user
        if not (user.is_active and user.is_staff and user.has_perm(self.permission)):
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found


class PerAddress(AnonRateThrottle):
    """Anonymous callers, by address."""

    cache = caches["ratelimit"]


class PerToken(AuthRateThrottle):
    """Token holders, by token."""

    cache = caches["ratelimit"]


def throttles(settings: Any) -> list[Any]:
    return [
        PerAddress(settings.TERRITORI_API_RATE_ANON),
        PerToken(settings.TERRITORI_API_RATE_TOKEN),
    ]


def anonymous_allowed(request: HttpRequest) -> bool:
    """Whether an anonymous caller's address is within the read API's rate limit (counting
    this request): the page cache asks it before serving a kept answer. The API's own
    throttle, copied (it keeps the request's state on itself), so both count alike."""
    from .v1 import api

    for throttle in api.throttle:  # type: ignore[union-attr]
        if isinstance(throttle, PerAddress) and not copy.copy(throttle).allow_request(request):
            return False
    return True
