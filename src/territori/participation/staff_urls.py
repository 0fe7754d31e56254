from django.urls import path

from .views import staff

app_name = "participation_staff"

urlpatterns = [
    path("moderazione/", staff.moderation_queue, name="moderation"),
    path("contributi/<int:pk>/", staff.contribution_moderate, name="contribution"),
    path("incontri/<slug:code>/accoglienza/", staff.check_in, name="check_in"),
    path(
        "incontri/<slug:code>/iscrizioni.<str:fmt>",
        staff.registrations_export,
        name="registrations",
    ),
]
