from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("quadri/", views.framework_list, name="frameworks"),
    path("quadri/<slug:code>/", views.framework_detail, name="framework"),
    path("quadri/<slug:framework>/<str:code>/", views.node_detail, name="node"),
    path("territori/", views.territory_list, name="territories"),
    path("territori/mappe/<slug:key>.topojson", views.topology, name="topology"),
    path("territori/<str:code>/", views.territory_detail, name="territory"),
    path("territori/<str:code>/comuni.csv", views.comuni_csv, name="comuni_csv"),
    path("cerca/", views.search, name="search"),
    path("salute/", views.health, name="health"),
]
