"""Transcode jobs end to end (eager Celery, real ffmpeg): chunks, retries, stuck jobs, cancel."""

import subprocess
from datetime import timedelta

import m3u8
import pytest
from django.urls import reverse
from django.utils import timezone

from media_center.models import MediaItem, Status
from transcoding import actions, ffmpeg, samples
from transcoding.models import JobStatus, TranscodeJob

from .conftest import tus_upload

FORM = {
    "title": "ยาว", "type": "video", "language": "th", "licence": "cc-by",
    "copyright_holder": "สพป.", "visibility": "public",
}  # fmt: skip


def upload_clip(client, teacher, clip):
    client.force_login(teacher)
    upload_id = tus_upload(client, clip.read_bytes())
    client.post(reverse("media_center:upload"), {**FORM, "upload_id": upload_id})
    return MediaItem.objects.latest("pk")


@pytest.fixture(scope="module")
def ten_seconds(tmp_path_factory):
    return samples.make_clip(
        tmp_path_factory.mktemp("long") / "ten.mp4", width=320, height=180, seconds=10
    )


@pytest.mark.django_db(transaction=True)
def test_long_video_is_chunked_and_a_failed_chunk_retried_alone(
    client, teacher, protected, ten_seconds, eager_celery, settings, monkeypatch
):
    from transcoding import tasks

    settings.TRANSCODING = {**settings.TRANSCODING, "CHUNK_SECONDS": 4}
    calls = []
    real = tasks.encode_chunk

    def flaky(source, chunk_dir, ladder, start, length, **kw):
        calls.append(start)
        if start == 4.0 and calls.count(4.0) == 1:
            chunk_dir.mkdir(parents=True, exist_ok=True)
            (chunk_dir / "half-written.ts").write_bytes(b"x")
            raise ffmpeg.FfmpegError("ffmpeg failed (exit code 1)", "simulated")
        return real(source, chunk_dir, ladder, start, length, **kw)

    monkeypatch.setattr(tasks, "encode_chunk", flaky)
    item = upload_clip(client, teacher, ten_seconds)
    assert item.status == Status.READY, item.error_message
    job = item.transcode_jobs.get()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    assert sorted(calls) == [0.0, 4.0, 4.0, 8.0]  # only the failed chunk ran twice
    assert [c.attempts for c in job.chunks.order_by("index")] == [1, 2, 1]
    folder = protected / item.rendition_dir
    playlist = m3u8.load(str(folder / "144p/index.m3u8"))
    assert sum(s.duration for s in playlist.segments) == pytest.approx(10, abs=0.2)
    assert not (folder / "chunks").exists()
    assert ffmpeg.probe(folder / "download.mp4").duration == pytest.approx(10, abs=0.2)


@pytest.mark.django_db(transaction=True)
def test_stuck_job_is_picked_up_again_and_finishes_in_a_new_version(
    client, teacher, protected, clip, eager_celery
):
    from transcoding.tasks import find_stuck_jobs_task

    item = upload_clip(client, teacher, clip)
    first = item.rendition_version
    job = item.transcode_jobs.get()
    # As if a worker died mid-encode: RUNNING, heartbeat long gone.
    TranscodeJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    report = find_stuck_jobs_task.delay().get()
    assert report["requeued"] == [job.pk]
    job.refresh_from_db()
    item.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert item.rendition_version != first  # outputs are never rewritten in place
    assert (protected / "renditions" / str(item.pk) / first).is_dir()  # kept for readers …
    find_stuck_jobs_task.delay().get()
    from transcoding.tasks import prune_old_versions

    assert prune_old_versions(grace_seconds=0) == 1  # … until the grace period ends
    assert not (protected / "renditions" / str(item.pk) / first).exists()
    assert (protected / item.rendition_dir).is_dir()


@pytest.mark.django_db(transaction=True)
def test_deleting_an_item_kills_its_running_ffmpeg(teacher, protected, clip):
    item = MediaItem.objects.create(
        title="x", type="video", licence="cc0", copyright_holder="x", status=Status.PROCESSING
    )
    process = subprocess.Popen(
        [ffmpeg.ffmpeg_binary(), "-nostdin", "-loglevel", "error", "-re", "-f", "lavfi",
         "-i", "testsrc=size=64x64:rate=5", "-f", "null", "-"],
        start_new_session=True,
    )  # fmt: skip
    try:
        job = TranscodeJob.objects.create(
            media_item=item, status=JobStatus.RUNNING, pid=process.pid,
            worker=f"w@{actions.this_worker()}",
        )  # fmt: skip
        item.delete()
        assert process.wait(timeout=10) != 0
        assert not TranscodeJob.objects.filter(pk=job.pk).exists()
    finally:
        if process.poll() is None:
            process.kill()
