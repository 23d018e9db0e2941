from django.urls import path

from . import api, classroom, views

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
    # A school's classroom screens (one per grade) and their timetable.
    path("classroom/<str:code>/", classroom.school_page, name="classroom"),
    path("classroom/<str:code>/new-link/", classroom.new_link, name="classroom_new_link"),
    path("classroom/<str:code>/<slug:grade>/", classroom.screen, name="classroom_screen"),
    path("classroom/<str:code>/<slug:grade>/now/", classroom.now, name="classroom_now"),
    path("classroom/<str:code>/<slug:grade>/week/", classroom.week, name="classroom_week"),
]
