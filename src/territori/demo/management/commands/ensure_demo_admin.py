"""Create the demo's staff account once; print its password only when it is created."""

from __future__ import annotations

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from territori.core.roles import ADMINISTRATOR, roles_ensure


class Command(BaseCommand):
    help = (
        "Create the demo staff account (TERRITORI_ADMIN_USER, default 'admin'; password from "
        "TERRITORI_ADMIN_PASSWORD or generated and printed once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        username = os.environ.get("TERRITORI_ADMIN_USER", "admin")
        password = os.environ.get("TERRITORI_ADMIN_PASSWORD", "")
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            if password:
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(
                    f"staff account '{username}': password set from TERRITORI_ADMIN_PASSWORD"
                )
            else:
                self.stdout.write(
                    f"staff account '{username}' exists (password printed when it was created; "
                    "set TERRITORI_ADMIN_PASSWORD to change it)"
                )
            return
        generated = not password
        password = password or secrets.token_urlsafe(12)
        user = user_model.objects.create_user(
            username=username, password=password, is_staff=True, is_superuser=True
        )
        roles_ensure()
        user.groups.add(Group.objects.get(name=ADMINISTRATOR))
        self.stdout.write(f"staff account created: user '{username}'")
        if generated:
            self.stdout.write(f"password (shown only now): {password}")
