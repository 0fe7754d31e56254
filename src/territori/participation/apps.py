from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "territori.participation"
    label = "participation"
    verbose_name = _("Participation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from territori.core.signals import project_updated, results_refreshed

        from . import auth  # noqa: F401  (signal handlers)
        from .services.follows import on_project_updated, on_results_refreshed

        project_updated.connect(on_project_updated, dispatch_uid="follow-project")
        results_refreshed.connect(on_results_refreshed, dispatch_uid="follow-assessments")
