"""URLs of this app, included by khlang/urls.py before Wagtail's page catch-all."""

from django.urls import path

from . import api

app_name = "mirror"

urlpatterns: list = [
    path("mirror/api/feed/", api.feed_view, name="feed"),
    path("mirror/api/files/<str:sha>", api.file_view, name="file"),
    path("mirror/api/status/", api.status_view, name="status"),
    path("mirror/api/results/<slug:kind>/", api.results_view, name="results"),
]
