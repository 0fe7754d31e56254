from django.urls import path

from . import staff_views

app_name = "coherence_staff"

urlpatterns = [
    path("sistemi/<slug:code>/", staff_views.system_edit, name="system"),
    path("<slug:code>/", staff_views.grid, name="grid"),
    path("<slug:code>/esporta.xlsx", staff_views.export_xlsx, name="export"),
    path("<slug:code>/importa/", staff_views.import_scores, name="import"),
    path("<slug:code>/stato/", staff_views.set_status, name="status"),
]
