from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "territori.publication"
    verbose_name = _("Publication")

    def ready(self) -> None:
        from .search import connect_signals

        connect_signals()
