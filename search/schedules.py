"""Celery beat entries of this app, merged by khlang/celery.py.

Plain data only (this module is imported before Django is set up):
    BEAT_SCHEDULE = {"name": {"task": "app.tasks.something_task", "schedule": 60.0}}
"""

BEAT_SCHEDULE: dict = {
    # The change log the in-memory search columns read (search/columns.py):
    # day-to-day edits add a row each; a bulk write prunes it itself.
    "search-prune-catalog-changes": {
        "task": "search.tasks.prune_catalog_changes_task",
        "schedule": 3600.0,
    },
}
