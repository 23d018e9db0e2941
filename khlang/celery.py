"""The Celery app. Tasks live in each app's tasks.py and are found automatically;
the beat schedule is CELERY_BEAT_SCHEDULE in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khlang.settings")

app = Celery("khlang")
# Lazy: settings are read on first use, so importing this module (as
# khlang/__init__.py does) never fixes the configuration early.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
