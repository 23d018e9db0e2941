"""Celery beat entries of this app, merged by khlang/settings.py.

Plain data only (this module is imported before Django is set up):
    BEAT_SCHEDULE = {"name": {"task": "app.tasks.something_task", "schedule": 60.0}}
"""

BEAT_SCHEDULE: dict = {
    # Incremental: only days touched by newly received events are recomputed,
    # then the KPI snapshots of their fiscal years (and the current one).
    "reports-aggregate-usage": {
        "task": "reports.tasks.aggregate_usage_task",
        "schedule": 300.0,
    },
}
