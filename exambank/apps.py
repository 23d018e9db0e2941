from django.apps import AppConfig, apps


class ExambankConfig(AppConfig):
    name = "exambank"
    verbose_name = "คลังข้อสอบ (Exam bank)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import sanitise, snapshot

        sanitise.connect()
        snapshot.connect()
        if apps.is_installed("lms"):
            from lms import quiz_bridge

            from .lesson_bridge import ExamBankQuizProvider

            quiz_bridge.register(ExamBankQuizProvider())
