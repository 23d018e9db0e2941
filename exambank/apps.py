from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class ExambankConfig(AppConfig):
    name = "exambank"
    verbose_name = _("Exam bank")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
        if apps.is_installed("lms"):
            from lms import quiz_bridge

            from .lesson_bridge import ExamBankQuizProvider

            quiz_bridge.register(ExamBankQuizProvider())
