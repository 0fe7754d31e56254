"""API tokens for tests (importable without loading the schemathesis module of test_api)."""

from __future__ import annotations

from typing import Any


def make_token(scopes: list[str], *, role: str = "analyst", staff: bool = True) -> tuple[Any, str]:
    from django.contrib.auth.models import Group, User

    from territori.api.models import ApiToken
    from territori.core.roles import roles_ensure

    roles_ensure()
    user = User.objects.create_user(f"api-{'-'.join(scopes)}-{role}-{staff}", is_staff=staff)
    if role:
        user.groups.add(Group.objects.get(name=role))
    token = ApiToken(name="test", user=user, scopes=scopes)
    key = token.issue()
    token.save()
    return token, key
