import datetime as dt

import pytest
from django.utils import timezone

from mirror.models import SyncJournal
from mirror.tasks import push_results_task, refresh_feed_task, sync_from_central_task

pytestmark = pytest.mark.django_db


def test_beat_runs_the_sync_task_and_it_does_nothing_on_central(settings):
    assert settings.CELERY_BEAT_SCHEDULE["mirror-sync"]["task"] == (
        "mirror.tasks.sync_from_central_task"
    )
    settings.KHLANG_ROLE = "central"
    assert sync_from_central_task() == "central"
    assert push_results_task() == "central"


def test_outside_its_window_a_mirror_does_not_sync(settings, mirror_conf):
    now = timezone.localtime()
    start = (now + dt.timedelta(hours=2)).strftime("%H:%M")
    end = (now + dt.timedelta(hours=3)).strftime("%H:%M")
    settings.KHLANG_ROLE = "mirror"
    settings.KHLANG_MIRROR = {
        **settings.KHLANG_MIRROR,
        "WINDOW": f"{start}-{end}",
        "CENTRAL_URL": "http://127.0.0.1:9",  # nothing listens: no request may be made
        "MIRROR_ID": "school-1",
    }
    assert sync_from_central_task() == "outside-window"
    journal = SyncJournal.objects.get()
    assert journal.status == "failed" and "outside the sync window" in journal.message
    assert refresh_feed_task() == 0  # a mirror has no feed to refresh


def test_the_journal_keeps_only_the_newest_runs(settings, mirror_conf):
    from mirror.sync import Journal

    settings.KHLANG_MIRROR = {**settings.KHLANG_MIRROR, "JOURNAL_KEEP": 3}
    for _ in range(6):
        with Journal("push"):
            pass
    assert SyncJournal.objects.count() == 3
