from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "territori.atlas"
    label = "atlas"
    verbose_name = _("Atlas of networks and initiatives")
