from django.urls import path

from . import account_views, views

app_name = "participation"

urlpatterns = [
    path("partecipa/", views.participation_home, name="home"),
    path("partecipa/processi/<slug:code>/", views.process_detail, name="process"),
    path("partecipa/processi/<slug:code>/incontri.ics", views.process_ical, name="process_ical"),
    path("partecipa/processi/<slug:code>/contribuisci/", views.contribution_new, name="contribute"),
    path("partecipa/processi/<slug:code>/simili/", views.contribution_similar, name="similar"),
    path("partecipa/organismi/<slug:code>/", views.body_detail, name="body"),
    path("partecipa/organismi/documenti/<int:pk>/", views.body_document, name="body_document"),
    path("partecipa/incontri/", views.meeting_list, name="meetings"),
    path("partecipa/incontri/incontri.csv", views.meetings_csv, name="meetings_csv"),
    path("partecipa/incontri/<slug:code>/", views.meeting_detail, name="meeting"),
    path("partecipa/incontri/<slug:code>/evento.ics", views.meeting_ical, name="meeting_ical"),
    path("partecipa/incontri/<slug:code>/iscriviti/", views.meeting_register_view, name="register"),
    path("partecipa/incontri/<slug:code>/annulla/", views.registration_cancel_view, name="cancel"),
    path("partecipa/documenti/<int:pk>/", views.meeting_document, name="meeting_document"),
    path("partecipa/contributi/", views.contribution_list, name="contributions"),
    path(
        "partecipa/contributi/esporta.<str:fmt>",
        views.contributions_export,
        name="contributions_export",
    ),
    path("partecipa/contributi/<int:pk>/", views.contribution_detail, name="contribution"),
    path(
        "partecipa/contributi/<int:pk>/sostieni/",
        views.contribution_support_view,
        name="support",
    ),
    path("partecipa/contributi/<int:pk>/segnala/", views.contribution_report_view, name="report"),
    path("partecipa/allegati/<int:pk>/", views.contribution_attachment, name="attachment"),
    path("partecipa/questionari/<slug:code>/", views.questionnaire_answer, name="questionnaire"),
    path(
        "partecipa/questionari/<slug:code>/risultati/",
        views.questionnaire_results,
        name="questionnaire_results",
    ),
    path(
        "partecipa/questionari/<slug:code>/risposte.<str:fmt>",
        views.questionnaire_export,
        name="questionnaire_export",
    ),
    path("partecipa/newsletter/", views.newsletter, name="newsletter"),
    path("partecipa/newsletter/<int:number>/", views.newsletter_issue, name="newsletter_issue"),
    path(
        "partecipa/newsletter/conferma/<str:token>/",
        views.newsletter_confirm,
        name="newsletter_confirm",
    ),
    path(
        "partecipa/newsletter/disiscriviti/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter_unsubscribe",
    ),
    path("account/registrati/", account_views.sign_up, name="sign_up"),
    path("account/conferma/<str:token>/", account_views.verify, name="verify"),
    path("account/conferma-di-nuovo/", account_views.verify_resend, name="verify_resend"),
    path("account/accedi/", account_views.Login.as_view(), name="login"),
    path("account/esci/", account_views.log_out, name="logout"),
    path("account/", account_views.account, name="account"),
    path("account/i-miei-dati.zip", account_views.account_export, name="account_export"),
    path("account/elimina/", account_views.account_delete, name="account_delete"),
]
