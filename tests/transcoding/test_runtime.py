"""Job runtime: claimed once, a heartbeat that names its attempt, a sweep that
revives dead jobs and never a live one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from media_center.models import MediaItem, Status
from transcoding import runtime
from transcoding.conf import transcoding_settings
from transcoding.models import JobStatus, TranscodeJob


@pytest.fixture
def job(db):
    item = MediaItem.objects.create(
        title="x", type="video", licence="cc0", copyright_holder="x", status=Status.PROCESSING
    )
    return TranscodeJob.objects.create(media_item=item)


def test_a_job_is_claimed_once_while_its_first_attempt_lives(job):
    first = runtime.claim_once(job.pk, "celery@a")
    assert first is not None and first.attempts == 1
    assert runtime.claim_once(job.pk, "celery@b") is None  # message delivered twice
    runtime.beat(first)
    assert runtime.claim_once(job.pk, "celery@b") is None


def test_a_silent_job_is_taken_over_and_the_old_attempt_learns_it(job, settings):
    first = runtime.claim_once(job.pk, "celery@a")
    TranscodeJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now()
        - timedelta(seconds=transcoding_settings["STUCK_AFTER_SECONDS"] + 1)
    )
    second = runtime.claim_once(job.pk, "celery@b")
    assert second is not None and second.attempts == 2 and second.version != first.version
    with pytest.raises(runtime.LostJob):
        runtime.beat(first)  # its ffmpeg is killed by the runner
    runtime.beat(second)


def test_the_sweep_requeues_a_dead_job_and_leaves_a_live_one(
    job, monkeypatch, django_capture_on_commit_callbacks
):
    from transcoding import tasks

    sent = []
    monkeypatch.setattr(tasks.transcode_media_task, "delay", sent.append)
    live = runtime.claim_once(job.pk, "celery@a")
    assert runtime.sweep() == []
    runtime.beat(live)
    assert runtime.sweep() == []
    TranscodeJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert runtime.sweep() == [job.pk]
    assert TranscodeJob.objects.get(pk=job.pk).status == JobStatus.QUEUED
    assert sent == [job.pk]
    assert runtime.sweep() == []  # re-sent once, not every sweep
