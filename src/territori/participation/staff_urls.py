from django.urls import path

from . import staff_views

app_name = "participation_staff"

urlpatterns = [
    path("moderazione/", staff_views.moderation_queue, name="moderation"),
    path("contributi/<int:pk>/", staff_views.contribution_moderate, name="contribution"),
    path("incontri/<slug:code>/accoglienza/", staff_views.check_in, name="check_in"),
    path(
        "incontri/<slug:code>/iscrizioni.<str:fmt>",
        staff_views.registrations_export,
        name="registrations",
    ),
]
