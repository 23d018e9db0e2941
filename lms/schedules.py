"""Celery beat entries of this app, merged by khlang/celery.py.

Plain data only (this module is imported before Django is set up):
    BEAT_SCHEDULE = {"name": {"task": "app.tasks.something_task", "schedule": 60.0}}
"""

BEAT_SCHEDULE: dict = {}
