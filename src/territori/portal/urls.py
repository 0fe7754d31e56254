from django.urls import path

from . import coherence_views, indicator_views, programme_views, views

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
    path("programma/", programme_views.programme_index, name="programme_index"),
    path("programma/<slug:code>/", programme_views.programme_detail, name="programme"),
    path("programma/<slug:code>/azioni.csv", programme_views.programme_data, name="programme_data"),
    path(
        "programma/<slug:code>/rapporto.<str:fmt>",
        programme_views.programme_report,
        name="programme_report",
    ),
    path("cerca/", views.search, name="search"),
    path("salute/", views.health, name="health"),
]
