"""Decorators of the participation pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from territori.core.ratelimit import client_ip, rate_limited


def rate_limit(
    scope: str, *, limit: int, period: int, per_user: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer 429 with a page saying when to retry, for POSTs over the limit."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                key = (
                    f"user:{request.user.pk}"
                    if per_user and request.user.is_authenticated
                    else f"ip:{client_ip(request)}"
                )
                if rate_limited(scope, key, limit=limit, period=period):
                    response = render(
                        request,
                        "participation/too_many.html",
                        {"minutes": max(1, period // 60)},
                        status=429,
                    )
                    response["Retry-After"] = str(period)
                    return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
