"""Celery beat entries of this app, merged by khlang/settings.py (plain data)."""

BEAT_SCHEDULE: dict = {
    "transcoding-find-stuck-jobs": {
        "task": "transcoding.tasks.find_stuck_jobs_task",
        "schedule": 15.0,  # a dead worker's job is back within ~45 s
    },
}
