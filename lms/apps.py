from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "บทเรียนและหลักสูตร (Courses)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from core import signals

        from . import signal_handlers as handlers

        signals.quiz_attempt_finished.connect(handlers.on_quiz_attempt_finished)
        signals.media_watch_progress.connect(handlers.on_media_watch_progress)
        from .models import LessonPage, UnitPage

        page_published.connect(handlers.on_page_changed)
        page_unpublished.connect(handlers.on_page_changed)
        page_slug_changed.connect(handlers.on_page_changed)
        post_page_move.connect(handlers.on_page_moved)
        for model in (LessonPage, UnitPage):
            post_delete.connect(handlers.on_page_changed, sender=model)
        # After core's own receiver (core is earlier in INSTALLED_APPS), so the
        # role groups exist when lms gives them page permissions.
        post_migrate.connect(handlers.ensure_setup_after_migrate)
