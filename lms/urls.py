"""URLs of this app, included by khlang/urls.py before Wagtail's page catch-all."""

from django.urls import path, register_converter

from .routing import LessonPathConverter
from .views import certificates, learning, lesson, teaching

register_converter(LessonPathConverter, "lms_lesson_path")

urlpatterns = [
    path("lms/my/", learning.dashboard_view, name="lms_dashboard"),
    path("lms/heartbeat/", learning.heartbeat_view, name="lms_heartbeat"),
    path("lms/courses/<int:course_id>/enrol/", learning.enrol_view, name="lms_enrol"),
    path("lms/courses/<int:course_id>/unenrol/", learning.unenrol_view, name="lms_unenrol"),
    path(
        "lms/courses/<int:course_id>/enrol-class/",
        teaching.enrol_class_view,
        name="lms_enrol_class",
    ),
    path(
        "lms/courses/<int:course_id>/report/", teaching.class_report_view, name="lms_class_report"
    ),
    path("lms/lessons/<int:lesson_id>/done/", learning.mark_done_view, name="lms_mark_done"),
    path(
        "lms/certificates/<str:code>.pdf",
        certificates.certificate_pdf_view,
        name="lms_certificate_pdf",
    ),
    path("lms/verify/", certificates.verify_view, name="lms_verify"),
    # A lesson's own address (under its course index): served by Wagtail with the
    # route looked up in the cache (lms/routing.py). Other paths never match it.
    path("<lms_lesson_path:path>", lesson.lesson_page_view, name="lms_lesson_page"),
]
