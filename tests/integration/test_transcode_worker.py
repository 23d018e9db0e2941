"""The real Celery worker transcodes uploaded clips (PostgreSQL + Redis)."""

import m3u8
import pytest
from django.urls import reverse

from media_center.models import MediaItem, Status
from tests.media_center.conftest import tus_upload
from transcoding import samples
from transcoding.models import JobStatus

from .conftest import wait_until


def upload_and_wait(client, make_user, username, clip) -> MediaItem:
    """Upload ``clip`` as a new teacher through the site; wait for the worker."""
    from wagtail.models import Collection

    from tests.conftest import ensure_base_data

    ensure_base_data()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    client.force_login(make_user(username, role="teacher"))
    upload_id = tus_upload(client, clip.read_bytes())
    form = {
        "title": "ทดสอบ", "type": "video", "language": "th", "licence": "cc-by",
        "copyright_holder": "สพป.", "visibility": "public", "upload_id": upload_id,
    }  # fmt: skip
    assert client.post(reverse("media_center:upload"), form).status_code == 302
    item = MediaItem.objects.get()

    def finished():
        item.refresh_from_db()
        return item.status in (Status.READY, Status.FAILED)

    wait_until(finished, timeout=180, what="the worker to transcode the clip")
    assert item.status == Status.READY, item.error_message
    return item


def load_playlist(client, item, name):
    hls = client.get(reverse("media_center:detail", args=[item.pk])).context["sources"]["hls"]
    response = client.get(hls.replace("master.m3u8", name))
    return m3u8.loads(b"".join(response.streaming_content).decode())


@pytest.mark.django_db(transaction=True)
def test_worker_transcodes_an_upload(celery_worker_process, client, make_user, tmp_path):
    clip = samples.make_clip(
        tmp_path / "int.mp4", width=320, height=240, seconds=2, audio_channels=6
    )
    item = upload_and_wait(client, make_user, "kru-int", clip)
    job = item.transcode_jobs.get()
    assert job.status == JobStatus.SUCCEEDED and job.worker.startswith("khlang-test@")
    assert job.run_seconds > 0 and job.progress == 100
    master = load_playlist(client, item, "master.m3u8")
    assert [p.stream_info.resolution for p in master.playlists] == [(192, 144), (320, 240)]
    assert master.playlists[0].stream_info.bandwidth <= 200_000


@pytest.mark.django_db(transaction=True)
def test_long_clip_chunks_are_shared_by_the_worker_processes(
    celery_worker_process, client, make_user, tmp_path, settings
):
    # The job carries its chunk length, so the worker follows this test's setting.
    settings.TRANSCODING = {**settings.TRANSCODING, "CHUNK_SECONDS": 4}
    clip = samples.make_clip(tmp_path / "long.mp4", width=256, height=144, seconds=12)
    item = upload_and_wait(client, make_user, "kru-chunk", clip)
    job = item.transcode_jobs.get()
    assert job.status == JobStatus.SUCCEEDED
    assert [c.status for c in job.chunks.all()] == ["succeeded"] * 3
    assert all(c.worker.startswith("khlang-test@") for c in job.chunks.all())
    playlist = load_playlist(client, item, "144p/index.m3u8")
    assert sum(s.duration for s in playlist.segments) == pytest.approx(12, abs=0.2)
