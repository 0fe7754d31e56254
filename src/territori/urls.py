from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _

from territori.api.v1 import api as api_v1
from territori.core.health import health
from territori.portal.views.home import favicon

admin.site.site_header = _("Territori — back office")
admin.site.site_title = _("Territori back office")
admin.site.index_title = _("Agenda data")

urlpatterns: list[URLPattern | URLResolver] = [
    path("favicon.ico", favicon),
    path("salute/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api_v1.urls),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("staff/indicatori/", include("territori.indicators.urls")),
    path("staff/coerenza/", include("territori.coherence.urls")),
    path("staff/partecipazione/", include("territori.participation.staff_urls")),
    path("staff/pubblicazione/", include("territori.publication.staff_urls")),
    path("", include("territori.participation.urls")),
    path("", include("territori.portal.urls")),
    prefix_default_language=False,
)
