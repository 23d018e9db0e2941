"""Celery beat entries of this app, merged by khlang/settings.py (plain data only)."""

BEAT_SCHEDULE: dict = {
    # Closes attempts whose time limit and grace period passed while the
    # student's browser was gone; what they had saved is graded.
    "exambank-close-overdue-attempts": {
        "task": "exambank.tasks.close_overdue_attempts_task",
        "schedule": 60.0,
    },
    "exambank-refresh-item-analyses": {
        "task": "exambank.tasks.refresh_item_analyses_task",
        "schedule": 3600.0,
    },
}
