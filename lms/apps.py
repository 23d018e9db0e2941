from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Courses")
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
        self._connect_route_and_content_epochs(handlers)
        # After core's own receiver (core is earlier in INSTALLED_APPS), so the
        # role groups exist when lms gives them page permissions.
        post_migrate.connect(handlers.ensure_setup_after_migrate)

    def _connect_route_and_content_epochs(self, handlers) -> None:
        """What moves the caches of lms.routing and lms.body (see there)."""
        from django.db.models.signals import post_delete, post_save
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import PageViewRestriction, Site
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )
        from wagtailmedia import get_media_model

        for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
            signal.connect(handlers.on_any_page_changed, dispatch_uid=f"lms-routes-{id(signal)}")
        post_delete.connect(handlers.on_any_page_changed, dispatch_uid="lms-routes-delete")
        for model in (Site, PageViewRestriction):
            post_save.connect(handlers.on_site_or_restriction_changed, sender=model)
            post_delete.connect(handlers.on_site_or_restriction_changed, sender=model)
        for model in (get_media_model(), get_document_model(), get_image_model()):
            post_save.connect(handlers.on_content_item_changed, sender=model)
            post_delete.connect(handlers.on_content_item_changed, sender=model)
