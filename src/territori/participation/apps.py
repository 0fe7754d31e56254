from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def identity_providers_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """A wrong TERRITORI_OIDC_PROVIDERS entry stops the site at start, naming it."""
    from .oidc import providers

    try:
        providers()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="territori.E001")]
    return []


class ParticipationConfig(AppConfig):
    name = "territori.participation"
    label = "participation"
    verbose_name = _("Participation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from territori.core.signals import project_updated, results_refreshed

        from . import auth  # noqa: F401  (signal handlers)
        from .services.follows import on_project_updated, on_results_refreshed

        checks.register(identity_providers_check, checks.Tags.security)
        project_updated.connect(on_project_updated, dispatch_uid="follow-project")
        results_refreshed.connect(on_results_refreshed, dispatch_uid="follow-assessments")
