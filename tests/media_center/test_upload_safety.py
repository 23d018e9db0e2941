"""Uploads never hang and never leak: bombs, polyglots, crashes and the watchdog."""

import struct
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from media_center.models import MediaItem, Status
from media_center.tasks import fail_stuck_items_task
from tests.media_center.conftest import tus_upload

FORM = {
    "title": "ภาพ", "language": "th", "licence": "cc-by",
    "copyright_holder": "สพป.ทดสอบ", "visibility": "school",
}  # fmt: skip


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width``×``height`` (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    def send(data: bytes, filename: str, kind: str) -> MediaItem:
        upload_id = tus_upload(client, data, filename=filename)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("media_center:upload"), {**FORM, "type": kind, "upload_id": upload_id}
            )
        return MediaItem.objects.latest("pk")

    return send


def test_a_decompression_bomb_fails_the_item_with_a_thai_message(
    client, teacher, protected, eager_celery, upload
):
    client.force_login(teacher)
    item = upload(_png_declaring(20000, 20000), "bomb.png", "image")
    assert item.status == Status.FAILED
    assert item.error_message.startswith("ภาพใหญ่เกินไป")
    assert "too large" in item.error_message
    assert str(protected) not in item.error_message


def test_a_pdf_html_polyglot_is_refused(client, teacher, protected, eager_celery, upload):
    client.force_login(teacher)
    polyglot = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
    item = upload(polyglot, "book.pdf", "document")
    assert item.status == Status.FAILED
    assert "HTML" in item.error_message


def test_any_exception_in_a_check_fails_the_item_without_a_path(
    client, teacher, protected, eager_celery, upload
):
    client.force_login(teacher)
    item = upload(b"%PDF-1.4\n%%EOF\n", "book.pdf", "document")
    assert item.status == Status.READY
    # The original vanishes under the check (a disk fault, a race with a cleanup).
    (protected / item.file.name).unlink()
    from media_center.tasks import check_file_task

    assert check_file_task(item.pk) == "error"
    item.refresh_from_db()
    assert item.status == Status.FAILED
    assert item.error_message.startswith("ตรวจไฟล์ไม่สำเร็จ")
    assert "/" not in item.error_message.replace(" / ", "")


def test_a_failed_items_page_is_only_for_its_owners(client, teacher, protected, make_user, school):
    item = MediaItem.objects.create(
        title="เสีย", type="document", licence="cc-by", copyright_holder="x",
        owner_school=school, visibility="public", status=Status.FAILED,
        error_message="ไฟล์นี้ไม่ใช่ PDF หรือ EPUB / not a PDF", uploaded_by_user=teacher,
    )  # fmt: skip
    assert client.get(reverse("media_center:detail", args=[item.pk])).status_code in (302, 404)
    client.force_login(make_user("nong", role="student", school=school))
    assert client.get(reverse("media_center:detail", args=[item.pk])).status_code == 404
    client.force_login(teacher)
    assert "ไม่ใช่ PDF" in client.get(reverse("media_center:detail", args=[item.pk])).content.decode()


def test_watchdog_fails_items_left_processing(db, teacher, school, settings):
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROCESSING_LIMIT_SECONDS": 60}
    common = dict(
        type="document", licence="cc-by", copyright_holder="x", owner_school=school,
        status=Status.PROCESSING, uploaded_by_user=teacher,
    )  # fmt: skip
    old = MediaItem.objects.create(title="ค้าง", **common)
    fresh = MediaItem.objects.create(title="ใหม่", **common)
    MediaItem.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert fail_stuck_items_task() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == Status.FAILED and old.error_message.startswith("การประมวลผล")
    assert fresh.status == Status.PROCESSING


@pytest.mark.parametrize(
    "message",
    [
        "ffmpeg: /srv/khlang/var/protected/originals/ab/x.mp4: Invalid data",
        "cannot open C:\\khlang\\var\\x.png",
    ],
)
def test_failure_messages_never_show_server_paths(db, teacher, school, message):
    from media_center.actions import mark_failed

    item = MediaItem.objects.create(
        title="x", type="video", licence="cc-by", copyright_holder="x", owner_school=school,
        status=Status.PROCESSING, uploaded_by_user=teacher,
    )  # fmt: skip
    mark_failed(item, message)
    item.refresh_from_db()
    assert "khlang" not in item.error_message and item.status == Status.FAILED
