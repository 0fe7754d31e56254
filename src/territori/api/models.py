"""API tokens: created and revoked in the back office, scoped, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    WRITE_INDICATORS = "write-indicators", _("write indicators (import observations)")
    WRITE_ATLAS = "write-atlas", _("write the atlas")
    WRITE_PARTICIPATION = "write-participation", _("write participation")


def token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token can do only what this staff user may do, within its scopes."),
    )
    scopes = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def issue(self) -> str:
        """Set a new secret and return it; only its hash is kept, so it is shown once."""
        key = "ter_" + secrets.token_urlsafe(32)
        self.prefix = key[4:12]
        self.key_hash = token_hash(key)
        return key

    def active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
