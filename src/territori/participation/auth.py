"""Lock-out after repeated failed logins, for every login form (the portal's and the admin's).

The backend refuses an attempt the lock-out policy stops (`login_lock_state`: by account and
address, with a progressive delay) before checking the password; the signal handlers record
real failures (not refused attempts, which would only extend the lock) and clear them after
a successful login.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from territori.core.ratelimit import client_ip


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from .services import login_lock_state

        if username:
            lock = login_lock_state(username=username, ip=client_ip(request) if request else None)
            if lock.refused:
                if request is not None:
                    request.territori_login_lock = lock  # type: ignore[attr-defined]
                raise PermissionDenied("locked out")  # stops the other backends too
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _record_failure(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from .services import login_failure_record

    username = credentials.get("username")
    if request is not None and getattr(request, "territori_login_lock", None) is not None:
        return  # refused before the password was checked: not a new failure
    if username:
        login_failure_record(username=str(username), ip=client_ip(request) if request else None)


@receiver(user_logged_in)
def _clear_failures(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from .services import login_failures_clear

    login_failures_clear(username=user.get_username())
