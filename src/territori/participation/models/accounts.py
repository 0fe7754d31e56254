"""Participants' accounts, sign-in failures, the stakeholder registry and consent records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territori.atlas.models import Organisation


class Participant(models.Model):
    """A participant's profile: the account is Django's user, the email is verified here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participant"
    )
    display_name = models.CharField(
        _("public name"),
        max_length=80,
        help_text=_("Shown beside your contributions; a nickname is fine."),
    )
    email_verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Digest(models.TextChoices):
        NONE = "none", _("no email: notifications on the site only")
        IMMEDIATE = "immediate", _("an email for each notification")
        DAILY = "daily", _("a daily summary")
        WEEKLY = "weekly", _("a weekly summary")

    digest = models.CharField(
        _("notifications by email"), max_length=10, choices=Digest.choices, default=Digest.NONE
    )
    invitations = models.BooleanField(
        _("invitations to questionnaires"),
        default=True,
        help_text=_(
            "An email when a questionnaire asks the participants of a process you took part in."
        ),
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.display_name

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None


class LoginFailure(models.Model):
    """A failed login; too many in a short time lock the account name out for a while."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class ContactPoint(models.Model):
    """How to reach an organisation of the stakeholder registry (an office, preferably)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contact_points",
    )
    function = models.CharField(
        _("office or function"), max_length=200, help_text=_("For example: secretariat.")
    )
    name = models.CharField(
        _("contact person"),
        max_length=200,
        blank=True,
        help_text=_("Only with the person's consent; an office is preferred."),
    )
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("stakeholder registry: contact points")
        ordering = ["organisation__name", "function"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.function}"


class ConsentRecord(models.Model):
    """What someone agreed to: the exact text and its version, when, for which purpose."""

    class Purpose(models.TextChoices):
        ACCOUNT = "account", _("participant account")
        CONTRIBUTION = "contribution", _("publishing a contribution")
        COMMENT = "comment", _("publishing comments")
        DELEGATION = "delegation", _("acting for an organisation")
        REGISTRATION = "registration", _("meeting registration")
        QUESTIONNAIRE = "questionnaire", _("questionnaire")
        NEWSLETTER = "newsletter", _("newsletter")
        CONTACT = "contact", _("stakeholder registry contact")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    contact = models.ForeignKey(
        ContactPoint, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    email = models.EmailField(_("email"), blank=True, help_text=_("For the newsletter."))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    text = models.TextField(_("text agreed to"))
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.text_version} {self.given_at:%Y-%m-%d}"


# --- Processes and bodies ----------------------------------------------------------------


class ExternalIdentity(models.Model):
    """A digital identity (SPID, CIE through OpenID Connect) that signs in to an account.

    Only the provider's subject is needed to sign in; the name is kept because a verified
    name is what the staff check when someone asks to act for an organisation. It is never
    shown publicly: the public sees the account's chosen display name only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities"
    )
    provider = models.CharField(_("identity provider"), max_length=40)
    subject = models.CharField(_("subject at the provider"), max_length=255)
    verified_name = models.CharField(_("name, as certified"), max_length=200, blank=True)
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last sign-in"), default=timezone.now)

    class Meta:
        verbose_name = _("digital identity")
        verbose_name_plural = _("digital identities")
        ordering = ["user", "provider"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_once"),
            models.UniqueConstraint(fields=["user", "provider"], name="identity_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.user_id}"
