"""Taking part as an organisation: a person verified as a delegate of an organisation (asked
for and approved by staff, or invited by the organisation's administrator), who then writes
contributions, comments and supports on its behalf. A request can also ask that the
organisation join a standing body (the Forum's "modulo di adesione")."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation

from .processes import Body


def _token() -> str:
    return secrets.token_urlsafe(24)


class Delegation(models.Model):
    class Role(models.TextChoices):
        DELEGATE = "delegate", _("delegate")
        ADMINISTRATOR = "administrator", _("administrator (invites delegates)")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested, waiting for the staff")
        INVITED = "invited", _("invited, waiting for the person")
        APPROVED = "approved", _("verified")
        REFUSED = "refused", _("refused")
        REVOKED = "revoked", _("revoked")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: an organisation not yet in the registry, named by the person asking
    organisation_name = models.CharField(_("organisation (new)"), max_length=300, blank=True)
    organisation_kind = models.CharField(
        _("type of organisation"), max_length=30, choices=Organisation.Kind.choices, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delegations",
    )
    email = models.EmailField(_("invited address"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DELEGATE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    body = models.ForeignKey(
        Body,
        verbose_name=_("membership asked of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership_requests",
    )
    message = models.TextField(_("message"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(status__in=["requested", "invited", "approved"]),
                name="delegation_open_once",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(organisation_name=""),
                name="delegation_names_organisation",
            ),
        ]

    def __str__(self) -> str:
        name = self.organisation.name if self.organisation else self.organisation_name
        return f"{self.user_id or self.email} → {name} ({self.status})"

    @property
    def organisation_shown(self) -> str:
        return self.organisation.name if self.organisation else self.organisation_name
