from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "territori.publication"
    verbose_name = _("Publication")

    def ready(self) -> None:
        from territori.core.signals import results_refreshed

        from .search import connect_signals
        from .tasks import enqueue_open_data_build

        connect_signals()
        results_refreshed.connect(enqueue_open_data_build, dispatch_uid="open-data-build")
