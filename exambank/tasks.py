"""Background work of the exam bank: small, idempotent, by id."""

from __future__ import annotations

from celery import shared_task


@shared_task
def close_overdue_attempts_task() -> int:
    """Submit attempts whose server-kept time (plus grace) has run out."""
    from .actions import close_overdue_attempts

    return close_overdue_attempts()


@shared_task
def compute_item_analysis_task(quiz_id: int) -> int:
    from .analysis import compute_item_analysis
    from .models import Quiz

    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        return 0
    return compute_item_analysis(quiz).attempts_used


@shared_task
def refresh_item_analyses_task() -> int:
    """Recompute quizzes that gained finished attempts since their last analysis."""
    from .analysis import stale_quiz_ids

    ids = stale_quiz_ids()
    for quiz_id in ids:
        compute_item_analysis_task.delay(quiz_id)
    return len(ids)
