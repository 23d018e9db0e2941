"""Celery beat entries of this app, merged by khlang/settings.py (plain data)."""

BEAT_SCHEDULE: dict = {
    "media-center-purge-stale-uploads": {
        "task": "media_center.tasks.purge_stale_uploads_task",
        "schedule": 3600.0,
    },
    "media-center-fail-stuck-items": {
        "task": "media_center.tasks.fail_stuck_items_task",
        "schedule": 600.0,
    },
}
