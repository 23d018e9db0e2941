"""Resumable upload, processing by content, signed file URLs, deletion."""

import m3u8
import pytest
from django.urls import reverse

from media_center.models import MediaItem, Status, TusUpload
from transcoding import samples
from transcoding.models import JobStatus

from .conftest import tus_upload

FORM = {
    "title": "บทเรียนคณิต", "type": "video", "language": "th", "licence": "cc-by",
    "copyright_holder": "โรงเรียนบ้านทดสอบ", "visibility": "private",
}  # fmt: skip


def test_tus_protocol_resume_after_a_dropped_piece(client, teacher, protected):
    client.force_login(teacher)
    options = client.options("/media-center/tus/")
    assert options["Tus-Version"] == "1.0.0" and "creation" in options["Tus-Extension"]
    data = bytes(range(256)) * 40
    created = client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH=str(len(data)))
    url = created["Location"]
    first = client.generic(
        "PATCH",
        url,
        data[:3000],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="0",
    )
    assert first["Upload-Offset"] == "3000"
    # A client that lost the answer resends from 0: refused with the real offset.
    wrong = client.generic(
        "PATCH", url, data, content_type="application/offset+octet-stream", HTTP_UPLOAD_OFFSET="0"
    )
    assert wrong.status_code == 409
    head = client.head(url)
    assert head["Upload-Offset"] == "3000" and head["Upload-Length"] == str(len(data))
    rest = client.generic(
        "PATCH",
        url,
        data[3000:],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="3000",
    )
    assert rest["Upload-Offset"] == str(len(data))
    upload = TusUpload.objects.get()
    assert upload.complete
    assert (protected / upload.path).read_bytes() == data


def test_tus_refuses_strangers_and_bad_requests(client, make_user, teacher, protected):
    assert client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH="10").status_code == 403
    client.force_login(make_user("nakrian", role="student"))
    assert client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH="10").status_code == 403
    client.force_login(teacher)
    assert client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH="x").status_code == 400
    url = client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH="10")["Location"]
    assert (
        client.generic(
            "PATCH", url, b"12", content_type="text/plain", HTTP_UPLOAD_OFFSET="0"
        ).status_code
        == 415
    )
    client.force_login(make_user("other", role="teacher"))
    assert client.head(url).status_code == 404  # someone else's upload


@pytest.mark.django_db(transaction=True)
def test_upload_transcodes_and_files_need_a_signed_url(
    client, teacher, protected, clip, eager_celery, make_user
):
    client.force_login(teacher)
    upload_id = tus_upload(client, clip.read_bytes())
    response = client.post(
        reverse("media_center:upload"),
        {**FORM, "upload_id": upload_id, "subject_groups": [], "grade_levels": []},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = MediaItem.objects.get()
    assert item.status == Status.READY, item.error_message
    assert item.duration == pytest.approx(2.0, abs=0.1) and (item.width, item.height) == (320, 180)
    assert item.owner_school == teacher.school and item.collection.name.startswith(
        "โรงเรียนบ้านทดสอบ"
    )
    job = item.transcode_jobs.get()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100 and job.attempts == 1
    page = client.get(reverse("media_center:detail", args=[item.pk]))
    hls_url = page.context["sources"]["hls"]
    master = client.get(hls_url)
    assert master.status_code == 200 and master["Content-Type"] == "application/vnd.apple.mpegurl"
    playlist = m3u8.loads(b"".join(master.streaming_content).decode())
    assert playlist.playlists[0].stream_info.bandwidth <= 200_000
    rung = client.get(hls_url.rsplit("/", 1)[0] + "/" + playlist.playlists[0].uri)
    assert rung.status_code == 200
    # Guessing: a made-up token, a path outside the folder, another user.
    token = hls_url.split("/")[3]
    assert client.get(f"/media-center/files/forged{token[6:]}/master.m3u8").status_code == 403
    assert client.get(hls_url.replace("master.m3u8", "../../../secret_key")).status_code in (
        403,
        404,
    )
    assert client.get(f"/media-center/files/{token}/.hidden").status_code == 404
    stranger = make_user("stranger", role="teacher")
    client.force_login(stranger)
    assert client.get(reverse("media_center:detail", args=[item.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_corrupt_upload_fails_with_a_clear_message_and_keeps_the_original(
    client, teacher, protected, clip, eager_celery, tmp_path
):
    client.force_login(teacher)
    bad = samples.make_corrupt(tmp_path / "bad.mp4", clip)
    upload_id = tus_upload(client, bad.read_bytes(), filename="bad.mp4")
    client.post(reverse("media_center:upload"), {**FORM, "upload_id": upload_id})
    item = MediaItem.objects.get()
    assert item.status == Status.FAILED
    assert "เสียหาย" in item.error_message and "damaged" in item.error_message
    assert (protected / item.file.name).read_bytes() == bad.read_bytes()
    page = client.get(reverse("media_center:detail", args=[item.pk]))
    assert item.error_message in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_document_checked_by_content_not_name(client, teacher, protected, eager_celery):
    client.force_login(teacher)
    fake = tus_upload(client, b"MZ\x90\x00 not a pdf", filename="book.pdf")
    client.post(reverse("media_center:upload"), {**FORM, "type": "document", "upload_id": fake})
    item = MediaItem.objects.get()
    assert item.status == Status.FAILED and "PDF" in item.error_message
    real = tus_upload(
        client, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", filename="book.bin"
    )
    client.post(reverse("media_center:upload"), {**FORM, "type": "document", "upload_id": real})
    assert MediaItem.objects.latest("pk").status == Status.READY


@pytest.mark.django_db(transaction=True)
def test_deleting_an_item_removes_its_files(client, teacher, protected, clip, eager_celery):
    client.force_login(teacher)
    upload_id = tus_upload(client, clip.read_bytes())
    client.post(reverse("media_center:upload"), {**FORM, "upload_id": upload_id})
    item = MediaItem.objects.get()
    folder = protected / item.rendition_dir
    original = protected / item.file.name
    assert folder.is_dir() and original.exists()
    item.delete()
    assert not folder.exists() and not original.exists()


def test_upload_form_requires_licence_and_holder(client, teacher, protected):
    client.force_login(teacher)
    response = client.post(reverse("media_center:upload"), {"title": "x", "type": "video"})
    assert response.status_code == 200
    assert (
        "licence" in response.context["form"].errors
        and "copyright_holder" in response.context["form"].errors
    )


def test_stale_unfinished_uploads_are_purged(client, teacher, protected):
    from datetime import timedelta

    from django.utils import timezone

    from media_center.tasks import purge_stale_uploads_task

    client.force_login(teacher)
    client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH="100")
    fresh = client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH="100")
    old = TusUpload.objects.exclude(pk=fresh["Location"].rstrip("/").split("/")[-1]).get()
    TusUpload.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    assert purge_stale_uploads_task() == 1
    assert not (protected / old.path).exists()
    assert TusUpload.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_dropped_connection_keeps_the_bytes_that_arrived(live_server, teacher, protected):
    """A PATCH cut off mid-body: the offset says how far it got; the rest resumes there."""
    import socket
    from urllib.parse import urlsplit

    from django.test import Client

    client = Client()
    client.force_login(teacher)
    client.get(reverse("media_center:upload"))  # sets the CSRF cookie, as the page does
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    data = bytes(range(256)) * 400  # 100 KiB
    created = client.post("/media-center/tus/", HTTP_UPLOAD_LENGTH=str(len(data)))
    path = urlsplit(created["Location"]).path
    host, port = urlsplit(live_server.url).hostname, urlsplit(live_server.url).port
    token = client.cookies.get("csrftoken")
    head = (
        f"PATCH {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}; csrftoken={token.value if token else ''}\r\n"
        f"X-CSRFToken: {token.value if token else ''}\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(head.encode() + data[:30_000])
        sock.shutdown(socket.SHUT_WR)  # the satellite link drops here
        answer = b""
        for _ in range(50):  # the answer may come in pieces; bounded
            piece = sock.recv(4096)
            answer += piece
            if not piece or b"\r\n\r\n" in answer:
                break
        answer = answer.decode(errors="replace")
    assert answer.startswith("HTTP/1.1 204"), answer
    assert "Upload-Offset: 30000" in answer
    upload = TusUpload.objects.get()
    assert upload.offset == 30_000
    rest = client.generic(
        "PATCH",
        path,
        data[30_000:],
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET="30000",
    )
    assert rest["Upload-Offset"] == str(len(data))
    assert (protected / upload.path).read_bytes() == data
