"""The media items and transcode jobs in Wagtail's admin."""

from media_center.models import MediaItem, Status
from transcoding.models import JobStatus, TranscodeJob


def test_admin_lists_media_and_jobs_with_a_progress_bar(client, make_user, protected):
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    admin = make_user("boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    item = MediaItem.objects.create(
        title="คลิปทดสอบ",
        type="video",
        licence="cc-by",
        copyright_holder="x",
        status=Status.PROCESSING,
    )
    TranscodeJob.objects.create(
        media_item=item, status=JobStatus.RUNNING, progress=42.4, worker="w@h"
    )
    jobs = client.get("/admin/transcode_jobs/")
    assert jobs.status_code == 200
    assert '<progress max="100" value="42"' in jobs.content.decode()
    media = client.get("/admin/media/")
    assert media.status_code == 200 and "คลิปทดสอบ" in media.content.decode()
    assert client.get(f"/admin/media/edit/{item.pk}/").status_code == 200
