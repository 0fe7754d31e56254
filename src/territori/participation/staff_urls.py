from django.urls import path

from .views import delegations, staff

app_name = "participation_staff"

urlpatterns = [
    path("moderazione/", staff.moderation_queue, name="moderation"),
    path("contributi/<int:pk>/", staff.contribution_moderate, name="contribution"),
    path("commenti/<int:pk>/", staff.comment_moderate, name="comment"),
    path("deleghe/", delegations.delegation_queue_view, name="delegations"),
    path("deleghe/<int:pk>/", delegations.delegation_decide_view, name="delegation_decide"),
    path("dibattiti/<slug:code>/chiudi/", staff.debate_close_view, name="debate_close"),
    path(
        "questionari/<slug:code>/inviti/",
        staff.questionnaire_invitations,
        name="questionnaire_invitations",
    ),
    path("incontri/<slug:code>/accoglienza/", staff.check_in, name="check_in"),
    path(
        "incontri/<slug:code>/iscrizioni.<str:fmt>",
        staff.registrations_export,
        name="registrations",
    ),
]
