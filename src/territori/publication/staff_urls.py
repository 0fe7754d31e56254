from django.urls import path

from . import staff_views

app_name = "publication_staff"

urlpatterns = [
    path("rapporti/", staff_views.report_list, name="reports"),
    path("rapporti/<int:year>/stato/", staff_views.report_status, name="report_status"),
    path("rapporti/<int:year>/genera/", staff_views.report_build_view, name="report_build"),
]
