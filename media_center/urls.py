"""URLs of this app, included by khlang/urls.py before Wagtail's page catch-all."""

from django.urls import path

from . import files, posters, tus, views

app_name = "media_center"
urlpatterns = [
    path("media-center/", views.browse, name="browse"),
    path("media-center/upload/", views.upload, name="upload"),
    path("media-center/tus/", tus.tus_create, name="tus_create"),
    path("media-center/tus/<uuid:upload_id>/", tus.tus_upload, name="tus_upload"),
    path("media-center/<int:pk>/", views.detail, name="detail"),
    path("media-center/<int:pk>/status/", views.item_status, name="status"),
    path("media-center/<int:pk>/watch/", views.report_watch, name="watch"),
    path("media-center/<int:pk>/stats/", views.item_stats, name="stats"),
    path(
        "media-center/<int:pk>/poster/<str:version>/<int:width>.jpg",
        posters.serve_poster,
        name="poster",
    ),
    path("media-center/files/<str:token>/<path:name>", files.serve_file, name="file"),
]
