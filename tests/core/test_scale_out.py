"""Running on several hosts: beat has one leader, reports may read a replica."""

from __future__ import annotations

import pytest
from celery.beat import ScheduleEntry
from django.core.cache import cache

from core.beat import LeaderScheduler, Lease
from core.replica import REPLICA, ReplicaRouter, reads_from_replica, replica_reads
from core.waiting import wait_for


class RecordingScheduler(LeaderScheduler):
    """The real scheduler, with sending replaced by a note of what was sent."""

    def __init__(self, *args, holder: str, sent: list, **kwargs):
        self._holder, self._sent = holder, sent
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        self._sent.append((self._holder, entry.name))
        entry.last_run_at = self.app.now()  # as a real send marks it

    def get_schedule(self):  # no file: each test host keeps its entries in memory
        return self.data

    def set_schedule(self, schedule):
        self.data = schedule

    schedule = property(get_schedule, set_schedule)

    def setup_schedule(self):
        self.data = {}
        self.merge_inplace({"every-second": {"task": "core.tasks.ping", "schedule": 1.0}})

    def sync(self):
        pass


@pytest.fixture
def two_beats(tmp_path):
    from khlang.celery import app

    cache.delete("khlang:beat-leader")
    sent: list = []
    beats = []
    for name in ("host-a", "host-b"):
        beat = RecordingScheduler(
            app, holder=name, sent=sent, schedule_filename=str(tmp_path / name), lazy=True
        )
        beat.lease = Lease(seconds=2, holder=name)
        beat.setup_schedule()
        beats.append(beat)
    yield beats, sent
    cache.delete("khlang:beat-leader")


def test_two_beats_send_each_due_task_once_and_the_second_takes_over(two_beats):
    (a, b), sent = two_beats
    for beat in (a, b):  # both due at once
        for entry in beat.schedule.values():
            entry.last_run_at = entry.last_run_at.replace(year=2000)
    a.tick()
    b.tick()
    assert sent == [("host-a", "every-second")]  # host-b stood by
    assert (a.leading, b.leading) == (True, False)

    # host-a stops (no more renewals): while its lease lasts host-b stands by,
    # then it runs out and host-b leads.
    def host_b_sends():
        for entry in b.schedule.values():
            entry.last_run_at = entry.last_run_at.replace(year=2000)
        b.tick()
        return sent[-1] == ("host-b", "every-second")

    assert not host_b_sends() and not b.leading
    wait_for(host_b_sends, 10, "host-b to take over the lapsed lease", 0.1)
    assert sent[-1] == ("host-b", "every-second") and b.leading
    assert not a.lease.hold()  # while host-b renews, host-a cannot take it back


def test_a_lease_is_renewed_by_its_holder_and_released_on_close():
    cache.delete("khlang:lease-test")
    first, second = Lease("khlang:lease-test", 30, "one"), Lease("khlang:lease-test", 30, "two")
    assert first.hold() and first.hold() and not second.hold()
    first.release()
    assert second.hold() and not first.hold()
    second.release()


def test_schedule_entries_are_celery_entries(two_beats):
    (a, _), _ = two_beats
    assert all(isinstance(e, ScheduleEntry) for e in a.schedule.values())


def test_reads_stay_on_the_primary_without_a_replica():
    from core.models import School

    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(School) is None  # no replica configured: the default
    assert router.db_for_write(School) is None


def test_report_pages_read_from_the_replica_when_one_is_configured(monkeypatch):
    from core.models import School

    # As settings do with KHLANG_REPORTS_DATABASE_URL set (no second server here).
    monkeypatch.setattr("core.replica.replica_configured", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(School) is None  # outside a report: the primary
    assert School.objects.all().db == "default"

    @reads_from_replica
    def report_view():
        return router.db_for_read(School), School.objects.all().db

    assert report_view() == (REPLICA, REPLICA)  # Django's own router chain agrees
    assert School.objects.all().db == "default"  # and forgets it after the view
    assert router.db_for_write(School) is None  # writes never go to the replica
    assert router.allow_migrate(REPLICA, "core") is False


def test_report_pages_are_wrapped_to_read_from_the_replica():
    from django.urls import resolve

    assert resolve("/reports/").func.__wrapped__.__name__ == "dashboard_view"
