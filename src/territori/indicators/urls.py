from django.urls import path

from . import staff_views

app_name = "indicators_staff"

urlpatterns = [
    path("importa/", staff_views.import_start, name="import_start"),
    path("importa/<int:batch_id>/", staff_views.import_batch, name="import_batch"),
    path("modello.xlsx", staff_views.import_template, name="import_template"),
]
