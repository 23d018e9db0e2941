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


def test_only_one_sync_or_import_runs_at_a_time(mirror_conf):
    from mirror.errors import MirrorError
    from mirror.store import FileStore
    from mirror.sync import sync_lock

    store = FileStore()
    with sync_lock(store):
        with pytest.raises(MirrorError, match="another sync or import is running"):
            with sync_lock(FileStore()):
                pass
    with sync_lock(store):  # released again
        pass


def test_a_stale_staged_feed_is_dropped_so_the_next_sync_asks_again(mirror_conf):
    from mirror.models import StagedEntry, SyncState
    from mirror.sync import reset_staging

    state = SyncState.load()
    state.applied_version, state.staged_until, state.staging_complete = 5, 9, True
    state.save()
    StagedEntry.objects.create(version=7, entry={}, signature="x")
    reset_staging()
    state.refresh_from_db()
    assert (state.staged_until, state.staging_complete) == (5, False)
    assert not StagedEntry.objects.exists()


def test_a_killed_run_is_marked_interrupted_when_the_next_one_starts(mirror_conf):
    from mirror.sync import Journal

    killed = SyncJournal.objects.create(kind="sync")  # its process died: no __exit__ ran
    pushing = SyncJournal.objects.create(kind="push")  # a push may run beside a sync
    with Journal("import"):
        pass
    killed.refresh_from_db()
    pushing.refresh_from_db()
    assert killed.status == "interrupted" and killed.finished_at is not None
    assert pushing.status == "running"
