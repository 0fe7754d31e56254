from django.urls import path

from . import (
    atlas_views,
    coherence_views,
    indicator_views,
    programme_views,
    publication_views,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("quadri/", views.framework_list, name="frameworks"),
    path("quadri/<slug:code>/", views.framework_detail, name="framework"),
    path("quadri/<slug:framework>/<str:code>/", views.node_detail, name="node"),
    path(
        "quadri/<slug:framework>/<str:code>/composito.csv",
        views.node_composite_csv,
        name="node_composite_csv",
    ),
    path("territori/", views.territory_list, name="territories"),
    path("territori/mappe/<slug:key>.topojson", views.topology, name="topology"),
    path("territori/<str:code>/", views.territory_detail, name="territory"),
    path("territori/<str:code>/comuni.csv", views.comuni_csv, name="comuni_csv"),
    path("indicatori/", indicator_views.indicator_list, name="indicators"),
    path("indicatori/<slug:code>/", indicator_views.indicator_detail, name="indicator"),
    path(
        "indicatori/<slug:code>/dati.<str:fmt>",
        indicator_views.indicator_data,
        name="indicator_data",
    ),
    path("coerenza/", coherence_views.matrix_list, name="coherence"),
    path(
        "coerenza/schede/<slug:framework>/<str:code>/",
        coherence_views.node_sheet,
        name="coherence_sheet",
    ),
    path(
        "coerenza/schede/<slug:framework>/<str:code>/scheda.pdf",
        coherence_views.node_sheet_pdf,
        name="coherence_sheet_pdf",
    ),
    path(
        "coerenza/documenti/<int:pk>/",
        coherence_views.evidence_document,
        name="coherence_document",
    ),
    path("coerenza/<slug:code>/", coherence_views.matrix_detail, name="coherence_matrix"),
    path(
        "coerenza/<slug:code>/celle.csv", coherence_views.matrix_cells_csv, name="coherence_cells"
    ),
    path(
        "coerenza/<slug:code>/metriche.csv",
        coherence_views.matrix_metrics_csv,
        name="coherence_metrics",
    ),
    path("atlante/", atlas_views.atlas_home, name="atlas"),
    path("atlante/comuni.csv", atlas_views.atlas_comuni_csv, name="atlas_comuni_csv"),
    path("atlante/modello.xlsx", atlas_views.atlas_template, name="atlas_template"),
    path("atlante/progetti.csv", atlas_views.atlas_projects_csv, name="atlas_projects_csv"),
    path("atlante/reti/<slug:code>/", atlas_views.network_detail, name="atlas_network"),
    path(
        "atlante/reti/<slug:code>/membri.csv",
        atlas_views.network_members_csv,
        name="network_members_csv",
    ),
    path(
        "atlante/organizzazioni/<slug:code>/",
        atlas_views.organisation_detail,
        name="atlas_organisation",
    ),
    path("atlante/progetti/<slug:code>/", atlas_views.project_detail, name="atlas_project"),
    path(
        "atlante/progetti/<slug:code>/aggiorna/",
        atlas_views.project_update,
        name="atlas_project_update",
    ),
    path("atlante/missioni/<str:code>/", atlas_views.mission_atlas, name="mission_atlas"),
    path(
        "atlante/missioni/<str:code>/organizzazioni.csv",
        atlas_views.mission_atlas_csv,
        name="mission_atlas_csv",
    ),
    path("programma/", programme_views.programme_index, name="programme_index"),
    path("programma/<slug:code>/", programme_views.programme_detail, name="programme"),
    path("programma/<slug:code>/azioni.csv", programme_views.programme_data, name="programme_data"),
    path(
        "programma/<slug:code>/rapporto.<str:fmt>",
        programme_views.programme_report,
        name="programme_report",
    ),
    path("cerca/", publication_views.site_search, name="search"),
    path("pubblicazioni/", publication_views.publications, name="publications"),
    path("rapporto/<int:year>/", publication_views.report_detail, name="report"),
    path(
        "rapporto/<int:year>/figure/<str:digest>.png",
        publication_views.report_figure,
        name="report_figure",
    ),
    path(
        "rapporto/<int:year>/rapporto-<str:language>.pdf",
        publication_views.report_pdf,
        name="report_pdf",
    ),
    path("notizie/", publication_views.news_list, name="news"),
    path("notizie/rss.xml", publication_views.NewsFeed(), name="news_rss"),
    path("notizie/atom.xml", publication_views.NewsAtomFeed(), name="news_atom"),
    path("pagine/<slug:slug>/", publication_views.page_detail, name="page"),
    path("infografiche/", publication_views.infographics, name="infographics"),
    path(
        "infografiche/<slug:framework>/<str:code>/",
        publication_views.mission_infographic,
        name="infographic",
    ),
    path(
        "infografiche/<slug:framework>/<str:code>/scheda-<slug:size>.<str:fmt>",
        publication_views.mission_card,
        name="mission_card",
    ),
    path(
        "indicatori/<slug:code>/scheda-<slug:size>.<str:fmt>",
        publication_views.indicator_card,
        name="indicator_card",
    ),
    path("dati/", publication_views.open_data, name="open_data"),
    path("dati/catalogo.<str:fmt>", publication_views.catalogue_document, name="catalogue"),
    path("dati/dati-aperti.zip", publication_views.bulk_download, name="open_data_zip"),
    path("dati/<slug:key>/", publication_views.dataset_detail, name="dataset"),
    path("dati/<slug:key>.<str:fmt>", publication_views.dataset_download, name="dataset_download"),
    path("salute/", views.health, name="health"),
]
