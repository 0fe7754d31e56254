from django.urls import path

from .views import (
    accounts,
    comments,
    contributions,
    delegations,
    identities,
    meetings,
    newsletter,
    priorities,
    processes,
    questionnaires,
    roadmaps,
)

app_name = "participation"

urlpatterns = [
    path("partecipa/", processes.participation_home, name="home"),
    path("partecipa/processi/<slug:code>/", processes.process_detail, name="process"),
    path(
        "partecipa/processi/<slug:code>/incontri.ics", processes.process_ical, name="process_ical"
    ),
    path(
        "partecipa/processi/<slug:code>/esiti/",
        processes.process_account_view,
        name="process_account",
    ),
    path("partecipa/priorita/<slug:code>/", priorities.prioritisation_view, name="prioritisation"),
    path("partecipa/tabelle-di-marcia/<slug:code>/", roadmaps.roadmap_detail, name="roadmap"),
    path(
        "partecipa/tabelle-di-marcia/<slug:code>/tabella.pdf",
        roadmaps.roadmap_pdf,
        name="roadmap_pdf",
    ),
    path(
        "partecipa/tabelle-di-marcia/<slug:code>/modifica/",
        roadmaps.roadmap_edit,
        name="roadmap_edit",
    ),
    path(
        "partecipa/tabelle-di-marcia/<slug:code>/versioni/<int:number>/",
        roadmaps.roadmap_version,
        name="roadmap_version",
    ),
    path(
        "partecipa/priorita/<slug:code>/risultati/",
        priorities.prioritisation_results_view,
        name="prioritisation_results",
    ),
    path(
        "partecipa/priorita/<slug:code>/risultati.<str:fmt>",
        priorities.prioritisation_export,
        name="prioritisation_export",
    ),
    path(
        "partecipa/questionari/inviti/stop/<str:token>/",
        questionnaires.invitations_stop_view,
        name="invitations_stop",
    ),
    path(
        "partecipa/processi/<slug:code>/contribuisci/",
        contributions.contribution_new,
        name="contribute",
    ),
    path(
        "partecipa/processi/<slug:code>/simili/", contributions.contribution_similar, name="similar"
    ),
    path("partecipa/organismi/<slug:code>/", processes.body_detail, name="body"),
    path("partecipa/organismi/documenti/<int:pk>/", processes.body_document, name="body_document"),
    path("partecipa/incontri/", meetings.meeting_list, name="meetings"),
    path("partecipa/incontri/incontri.csv", meetings.meetings_csv, name="meetings_csv"),
    path("partecipa/incontri/<slug:code>/", meetings.meeting_detail, name="meeting"),
    path("partecipa/incontri/<slug:code>/evento.ics", meetings.meeting_ical, name="meeting_ical"),
    path(
        "partecipa/incontri/<slug:code>/iscriviti/", meetings.meeting_register_view, name="register"
    ),
    path(
        "partecipa/incontri/<slug:code>/annulla/", meetings.registration_cancel_view, name="cancel"
    ),
    path("partecipa/documenti/<int:pk>/", meetings.meeting_document, name="meeting_document"),
    path("partecipa/contributi/", contributions.contribution_list, name="contributions"),
    path(
        "partecipa/contributi/esporta.<str:fmt>",
        contributions.contributions_export,
        name="contributions_export",
    ),
    path("partecipa/contributi/<int:pk>/", contributions.contribution_detail, name="contribution"),
    path(
        "partecipa/contributi/<int:pk>/sostieni/",
        contributions.contribution_support_view,
        name="support",
    ),
    path(
        "partecipa/contributi/<int:pk>/segnala/",
        contributions.contribution_report_view,
        name="report",
    ),
    path("partecipa/commenti/<slug:kind>/<int:pk>/", comments.comment_new, name="comment"),
    path(
        "partecipa/commento/<int:pk>/segnala/",
        comments.comment_report_view,
        name="comment_report",
    ),
    path("partecipa/dibattiti/<slug:code>/", comments.debate_detail, name="debate"),
    path("account/notifiche/", comments.notifications, name="notifications"),
    path(
        "account/notifiche/disiscriviti/<str:token>/",
        comments.notifications_unsubscribe,
        name="notifications_unsubscribe",
    ),
    path("partecipa/segui/<slug:kind>/<int:pk>/", comments.follow_view, name="follow"),
    path(
        "partecipa/organizzazioni/richiesta/",
        delegations.delegation_request_view,
        name="delegation_request",
    ),
    path(
        "partecipa/organizzazioni/invito/<str:token>/",
        delegations.delegation_accept_view,
        name="delegation_accept",
    ),
    path("account/organizzazioni/", delegations.organisations_account, name="organisations"),
    path("partecipa/allegati/<int:pk>/", contributions.contribution_attachment, name="attachment"),
    path(
        "partecipa/questionari/<slug:code>/",
        questionnaires.questionnaire_answer,
        name="questionnaire",
    ),
    path(
        "partecipa/questionari/<slug:code>/risultati/",
        questionnaires.questionnaire_results,
        name="questionnaire_results",
    ),
    path(
        "partecipa/questionari/<slug:code>/risposte.<str:fmt>",
        questionnaires.questionnaire_export,
        name="questionnaire_export",
    ),
    path("partecipa/newsletter/", newsletter.newsletter, name="newsletter"),
    path(
        "partecipa/newsletter/<int:number>/", newsletter.newsletter_issue, name="newsletter_issue"
    ),
    path(
        "partecipa/newsletter/conferma/<str:token>/",
        newsletter.newsletter_confirm,
        name="newsletter_confirm",
    ),
    path(
        "partecipa/newsletter/disiscriviti/<str:token>/",
        newsletter.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("account/registrati/", accounts.sign_up, name="sign_up"),
    path("account/conferma/<str:token>/", accounts.verify, name="verify"),
    path("account/conferma-di-nuovo/", accounts.verify_resend, name="verify_resend"),
    path("account/accedi/", accounts.Login.as_view(), name="login"),
    path("account/identita/completa/", identities.identity_complete, name="identity_complete"),
    path("account/identita/<str:name>/", identities.identity_start, name="identity_start"),
    path(
        "account/identita/<str:name>/ritorno/",
        identities.identity_callback,
        name="identity_callback",
    ),
    path(
        "account/identita/scollega/<int:pk>/",
        identities.identity_unlink_view,
        name="identity_unlink",
    ),
    path("account/esci/", accounts.log_out, name="logout"),
    path("account/password-dimenticata/", accounts.password_reset, name="password_reset"),
    path(
        "account/nuova-password/<uidb64>/<token>/",
        accounts.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("account/", accounts.account, name="account"),
    path("account/i-miei-dati.zip", accounts.account_export, name="account_export"),
    path("account/elimina/", accounts.account_delete, name="account_delete"),
]
