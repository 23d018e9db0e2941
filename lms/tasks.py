"""Background work of the learning side: small, idempotent, by id."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="lms.tasks.record_quiz_result_task")
def record_quiz_result_task(user_id: int, quiz_ref: str, score, passed: bool) -> int:
    """Apply a graded quiz attempt to the lessons that hold the quiz."""
    from core.models import User

    from .actions import record_quiz_result

    user = User.objects.filter(pk=user_id).first()
    return record_quiz_result(user, quiz_ref, score, passed) if user else 0


@shared_task(name="lms.tasks.record_external_watch_task")
def record_external_watch_task(user_id: int, media_id, seconds_watched: float, duration) -> int:
    """Apply watch time counted by the media center's player (max wins: idempotent)."""
    from core.models import User

    from .actions import record_external_watch

    user = User.objects.filter(pk=user_id).first()
    return record_external_watch(user, media_id, seconds_watched, duration) if user else 0


@shared_task(name="lms.tasks.refresh_enrolment_task")
def refresh_enrolment_task(user_id: int, course_id: int) -> None:
    from .actions import refresh_enrolment

    refresh_enrolment(user_id, course_id)
