"""Receivers of core.signals: they only enqueue (the work is in lms.tasks)."""

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


def on_page_published(sender, instance, **kwargs) -> None:
    from .facts import forget_lesson

    forget_lesson(instance.pk)


def ensure_setup_after_migrate(sender, **kwargs) -> None:
    """Moderation workflow and page permissions, after core has made the roles."""
    from django.apps import apps

    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .moderation import ensure_moderation

    ensure_moderation(using=kwargs.get("using", "default"))
