from django.urls import path

from . import api, views

app_name = "live"
urlpatterns = [
    path("live/", views.session_list, name="list"),
    path("live/<int:pk>/", views.session_detail, name="session"),
    path("live/<int:pk>/state/", views.session_state, name="state"),
    path("live/<int:pk>/end/", views.end_now, name="end"),
    path("live/<int:pk>/watch/", views.report_watch, name="watch"),
    path("live/<int:pk>/hls/<path:name>", views.live_file, name="file"),
    # Central, for school mirrors' signed requests (live/api.py).
    path("live/<int:pk>/relay/state/", api.relay_state, name="relay_state"),
    path("live/<int:pk>/relay/hls/<path:name>", api.relay_file, name="relay_file"),
]
