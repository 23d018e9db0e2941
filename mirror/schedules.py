"""Celery beat entries of this app, merged by khlang/celery.py.

Plain data only (this module is imported before Django is set up). Both tasks
check KHLANG_ROLE themselves, so one schedule serves central and mirrors; the
sync task also checks the mirror's time window before moving a byte.
"""

BEAT_SCHEDULE: dict = {
    "mirror-sync": {"task": "mirror.tasks.sync_from_central_task", "schedule": 600.0},
    "mirror-refresh-feed": {"task": "mirror.tasks.refresh_feed_task", "schedule": 300.0},
}
