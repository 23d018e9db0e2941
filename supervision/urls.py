"""URLs of supervision, included by khlang/urls.py before Wagtail's page catch-all."""

from django.urls import path

from .views import outputs, plans, records

app_name = "supervision"

urlpatterns = [
    path("supervision/", plans.home, name="home"),
    path("supervision/plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("supervision/records/new/", records.record_new, name="record_new"),
    path("supervision/records/<int:pk>/", records.record_detail, name="record"),
    path("supervision/records/<int:pk>/assess/", records.record_assess, name="assess"),
    path("supervision/records/<int:pk>/share/", records.record_share, name="share"),
    path("supervision/records/<int:pk>/evidence/", records.evidence_add, name="evidence_add"),
    path("supervision/records/<int:pk>/reply/", records.record_reply, name="reply"),
    path("supervision/records/<int:pk>/reflection/", records.record_reflection, name="reflection"),
    path("supervision/records/<int:pk>/record.pdf", outputs.record_pdf_view, name="pdf"),
    path("supervision/followups/<int:pk>/done/", records.followup_done, name="followup_done"),
    path("supervision/evidence/<int:pk>/file/", records.evidence_file, name="evidence_file"),
    path("supervision/schools/<int:pk>/", outputs.school_view, name="school"),
    path("supervision/counts/", outputs.counts_view, name="counts"),
    path("supervision/media-use/", outputs.media_use_view, name="media_use"),
    path("supervision/media-use/<int:pk>/", outputs.media_school_view, name="media_school"),
    path("supervision/media-use/plan-visit/", outputs.plan_visit_view, name="plan_visit"),
]
