from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoherenceConfig(AppConfig):
    name = "territori.coherence"
    label = "coherence"
    verbose_name = _("Policy coherence")
