"""Receivers: they only enqueue or move a cache epoch (the work is in lms.tasks).

``register()`` connects them all, called once from LmsConfig.ready (as Wagtail's
apps call their ``register_signal_handlers``).
"""

from __future__ import annotations

from django.db import transaction

from . import quiz_bridge


def on_quiz_attempt_finished(sender, user, quiz, attempt=None, score=None, passed=False, **kw):
    if user is None or not getattr(user, "is_authenticated", False):
        return
    from .tasks import record_quiz_result_task

    ref = quiz_bridge.ref_for(quiz)
    score = None if score is None else float(score)
    transaction.on_commit(lambda: record_quiz_result_task.delay(user.pk, ref, score, bool(passed)))


def on_media_watch_progress(
    sender, user, media_item, seconds_watched=0, duration=None, **kwargs
) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or media_item is None:
        return
    from .tasks import record_external_watch_task

    media_id = media_item.pk
    seconds = float(seconds_watched or 0)
    length = None if duration is None else float(duration)
    transaction.on_commit(
        lambda: record_external_watch_task.delay(user.pk, media_id, seconds, length)
    )


def on_page_changed(sender, instance, **kwargs) -> None:
    """Publish, unpublish, move or delete: forget what the caches know of its course."""
    from .body import forget_body
    from .facts import forget_course, forget_lesson

    forget_lesson(instance.pk)
    forget_body(instance.pk, getattr(instance, "live_revision_id", None))
    forget_course(getattr(instance, "course_id", None) or instance.pk)


def on_any_page_changed(sender, instance=None, **kwargs) -> None:
    """Any page published, unpublished, renamed, moved or deleted: routes may differ.

    Wagtail's page signals are sent for every page type; the delete signal for
    every model, so it is filtered here.
    """
    from wagtail.models import Page

    from . import routing

    if instance is None or isinstance(instance, Page):
        routing.bump(routing.EPOCH_KEY)


def on_site_or_restriction_changed(sender, **kwargs) -> None:
    """A Site or a page view restriction saved or deleted: cached routes are stale."""
    from . import routing

    routing.bump(routing.EPOCH_KEY)


def on_content_item_changed(sender, **kwargs) -> None:
    """A media item, document or image changed: rendered lesson bodies may show it."""
    from . import routing

    routing.bump(routing.CONTENT_EPOCH_KEY)


def on_page_moved(sender, instance, **kwargs) -> None:
    """A unit or lesson moved to another course: re-derive the course it belongs to."""
    from .facts import forget_course, forget_lesson
    from .models import CoursePage, LessonPage, UnitPage
    from .models.pages import _ancestor_id

    for model, levels in ((UnitPage, 1), (LessonPage, 2)):
        for page in model.objects.filter(path__startswith=instance.path):
            old = page.course_id
            page.course_id = _ancestor_id(page, CoursePage, levels_up=levels)
            model.objects.filter(pk=page.pk).update(course_id=page.course_id)
            forget_course(old)
            forget_course(page.course_id)
            forget_lesson(page.pk)


def ensure_setup_after_migrate(sender, **kwargs) -> None:
    """Moderation workflow and page permissions, after core has made the roles."""
    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .moderation import ensure_moderation

    ensure_moderation(using=kwargs.get("using", "default"))


def register() -> None:
    """Connect every receiver of lms."""
    from django.db.models.signals import post_delete, post_migrate, post_save
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move
    from wagtailmedia import get_media_model

    from core import signals

    from .models import LessonPage, UnitPage

    signals.quiz_attempt_finished.connect(on_quiz_attempt_finished)
    signals.media_watch_progress.connect(on_media_watch_progress)
    page_published.connect(on_page_changed)
    page_unpublished.connect(on_page_changed)
    page_slug_changed.connect(on_page_changed)
    post_page_move.connect(on_page_moved)
    for model in (LessonPage, UnitPage):
        post_delete.connect(on_page_changed, sender=model)
    # What moves the caches of lms.routing and lms.body (see there).
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(on_any_page_changed, dispatch_uid=f"lms-routes-{id(signal)}")
    post_delete.connect(on_any_page_changed, dispatch_uid="lms-routes-delete")
    for model in (Site, PageViewRestriction):
        post_save.connect(on_site_or_restriction_changed, sender=model)
        post_delete.connect(on_site_or_restriction_changed, sender=model)
    for model in (get_media_model(), get_document_model(), get_image_model()):
        post_save.connect(on_content_item_changed, sender=model)
        post_delete.connect(on_content_item_changed, sender=model)
    # After core's own receiver (core is earlier in INSTALLED_APPS), so the
    # role groups exist when lms gives them page permissions.
    post_migrate.connect(ensure_setup_after_migrate)
