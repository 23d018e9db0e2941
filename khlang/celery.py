"""The Celery app. Tasks live in each app's tasks.py and are found automatically."""

import importlib
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khlang.settings")

app = Celery("khlang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work. Each entry names a task by its dotted path so this module does
# not import the apps (it is loaded before Django is set up).
app.conf.beat_schedule = {
    "purge-access-log-daily": {
        "task": "core.tasks.purge_access_log_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "worker-heartbeat": {
        "task": "core.tasks.worker_heartbeat_task",
        "schedule": 300.0,
        "kwargs": {"source": "beat"},
    },
}

# Each app may add its own periodic tasks in <app>/schedules.py (plain data).
for _app in ("media_center", "transcoding", "lms", "exambank", "search", "mirror", "reports"):
    app.conf.beat_schedule.update(importlib.import_module(f"{_app}.schedules").BEAT_SCHEDULE)
