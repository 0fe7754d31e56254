from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "territori.core"
    label = "core"
    verbose_name = _("Audit and roles")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .pagecache import install_watch

        connection_created.connect(install_watch, dispatch_uid="territori-page-cache")
