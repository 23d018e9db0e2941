"""URLs of this app, included by khlang/urls.py before Wagtail's page catch-all."""

from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.dashboard_view, name="reports_dashboard"),
    path("reports/kpi/<slug:code>/", views.kpi_detail_view, name="reports_kpi"),
    path("reports/usage/", views.usage_view, name="reports_usage"),
    path("reports/schools/", views.schools_view, name="reports_schools"),
    path("reports/objects/", views.objects_view, name="reports_objects"),
    path("reports/adoption/", views.adoption_view, name="reports_adoption"),
    path("reports/people/", views.people_view, name="reports_people"),
    path("reports/targets/", views.targets_view, name="reports_targets"),
    path("reports/surveys/<int:pk>/", views.survey_view, name="reports_survey"),
    path(
        "reports/surveys/<int:pk>/results/",
        views.survey_results_view,
        name="reports_survey_results",
    ),
    path("reports/annual/<int:year>.pdf", views.annual_pdf_view, name="reports_annual_pdf"),
]
