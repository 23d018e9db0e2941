"""URLs of this app, included by khlang/urls.py before Wagtail's page catch-all."""

from django.urls import path

from core.replica import reads_from_replica

from . import views

# Pages that only read: from the replica when one is configured (core.replica).
read_only = reads_from_replica

urlpatterns = [
    path("reports/", read_only(views.dashboard_view), name="reports_dashboard"),
    path("reports/kpi/<slug:code>/", read_only(views.kpi_detail_view), name="reports_kpi"),
    path("reports/usage/", read_only(views.usage_view), name="reports_usage"),
    path("reports/schools/", read_only(views.schools_view), name="reports_schools"),
    path("reports/objects/", read_only(views.objects_view), name="reports_objects"),
    path("reports/adoption/", read_only(views.adoption_view), name="reports_adoption"),
    path("reports/people/", read_only(views.people_view), name="reports_people"),
    path("reports/targets/", views.targets_view, name="reports_targets"),
    path("reports/surveys/<int:pk>/", views.survey_view, name="reports_survey"),
    path(
        "reports/surveys/<int:pk>/results/",
        views.survey_results_view,
        name="reports_survey_results",
    ),
    path(
        "reports/annual/<int:year>.pdf",
        read_only(views.annual_pdf_view),
        name="reports_annual_pdf",
    ),
]
