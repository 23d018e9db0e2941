"""The record as a conversation: sharing, replies, reflection, follow-ups, evidence."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def skeleton(text: str) -> str:
    """Thai letters without marks above or below (sara am read as sara aa)."""
    marks = {0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)}
    text = text.replace("\u0e33", "\u0e32")
    return "".join(ch for ch in text if ord(ch) not in marks)


def login(sv, person) -> Client:
    client = Client()
    client.force_login(sv["people"][person])
    return client


def notes(user):
    return list(Notification.objects.filter(user=user, kind=Kind.SUPERVISION))


def test_sharing_tells_the_teacher_once(sv):
    from supervision import actions

    teacher = sv["people"]["a1"]
    assert len(notes(teacher)) == 1  # the shared record of the fixture
    draft = sv["records"]["draft"]
    client = login(sv, "s1")
    client.post(reverse("supervision:share", args=[draft.pk]))
    actions.share_observation(draft)  # again: no second notice
    assert len(notes(teacher)) == 2
    assert notes(teacher)[0].url == reverse("supervision:record", args=[draft.pk])


def test_replies_go_both_ways_and_are_escaped(sv):
    record = sv["records"]["shared"]
    teacher, supervisor = sv["people"]["a1"], sv["people"]["s1"]
    before = len(notes(teacher))
    login(sv, "a1").post(reverse("supervision:reply", args=[record.pk]), {"body": "<b>ขอบคุณ</b>"})
    assert len(notes(supervisor)) == 1
    login(sv, "s1").post(reverse("supervision:reply", args=[record.pk]), {"body": "ยินดีครับ"})
    assert len(notes(teacher)) == before + 1
    html = login(sv, "director").get(reverse("supervision:record", args=[record.pk])).content
    assert "&lt;b&gt;ขอบคุณ&lt;/b&gt;".encode() in html and b"<b>\xe0" not in html


def test_only_the_teacher_writes_the_reflection(sv):
    record = sv["records"]["shared"]
    url = reverse("supervision:reflection", args=[record.pk])
    assert login(sv, "director").post(url, {"self_reflection": "x"}).status_code == 403
    assert login(sv, "a2").post(url, {"self_reflection": "x"}).status_code == 404
    login(sv, "a1").post(url, {"self_reflection": "ครั้งหน้าจะให้นักเรียนทำกิจกรรมกลุ่ม"})
    record.refresh_from_db()
    assert record.self_reflection.startswith("ครั้งหน้า")
    assert len(notes(sv["people"]["s1"])) == 1


def test_the_teacher_closes_a_follow_up_with_a_file_as_evidence(sv, settings, tmp_path):
    settings.KHLANG = {**getattr(settings, "KHLANG", {}), "SUPERVISION_UPLOAD_ROOT": str(tmp_path)}
    record = sv["records"]["shared"]
    followup = record.followups.get()
    url = reverse("supervision:followup_done", args=[followup.pk])
    assert login(sv, "s2").post(url, {"note": "x"}).status_code == 404
    assert login(sv, "director").post(url, {"note": "x"}).status_code == 403
    upload = SimpleUploadedFile("ผลสอบ.pdf", PDF, content_type="application/pdf")
    login(sv, "a1").post(url, {"note": "ใช้แบบทดสอบแล้ว 2 คาบ", "file": upload})
    followup.refresh_from_db()
    assert followup.is_done and followup.done_evidence.file
    assert len(notes(sv["people"]["s1"])) == 1
    file_url = reverse("supervision:evidence_file", args=[followup.done_evidence.pk])
    served = login(sv, "s1").get(file_url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert served["X-Content-Type-Options"] == "nosniff"
    assert login(sv, "a2").get(file_url).status_code == 404


def test_an_upload_is_judged_by_its_content(sv, settings, tmp_path):
    settings.KHLANG = {**getattr(settings, "KHLANG", {}), "SUPERVISION_UPLOAD_ROOT": str(tmp_path)}
    record = sv["records"]["shared"]
    client = login(sv, "s1")
    fake = SimpleUploadedFile("แผน.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    response = client.post(
        reverse("supervision:evidence_add", args=[record.pk]),
        {"kind": "upload", "file": fake},
        follow=True,
    )
    text = response.content.decode()
    assert "แผน.pdf" in text and "is not a PDF, PNG or JPEG file" in text
    assert not record.evidence.exists()


def test_a_recorded_lesson_and_the_usage_figures_as_evidence(sv):
    from media_center.models import MediaItem, Status, Visibility
    from supervision.models import EvidenceKind

    record = sv["records"]["shared"]
    school_a, school_b = sv["schools"]["A"], sv["schools"]["B"]
    lesson = MediaItem.objects.create(
        title="คาบเรียนเศษส่วน", type="video", licence="cc-by", copyright_holder="สพป.",
        owner_school=school_a, visibility=Visibility.SCHOOL, status=Status.READY,
        uploaded_by_user=sv["people"]["a1"],
    )  # fmt: skip
    private = MediaItem.objects.create(
        title="ส่วนตัว", type="video", licence="cc-by", copyright_holder="สพป.",
        owner_school=school_b, visibility=Visibility.PRIVATE, status=Status.READY,
        uploaded_by_user=sv["people"]["b1"],
    )  # fmt: skip
    client = login(sv, "s1")
    url = reverse("supervision:evidence_add", args=[record.pk])
    client.post(url, {"kind": "media", "object_id": lesson.pk})
    client.post(url, {"kind": "usage"})
    kinds = list(record.evidence.values_list("kind", "title"))
    assert (EvidenceKind.MEDIA, "คาบเรียนเศษส่วน") in kinds
    # The teacher may not close a follow-up with what they may not see.
    followup = record.followups.get()
    done_url = reverse("supervision:followup_done", args=[followup.pk])
    refused = login(sv, "a1").post(done_url, {"note": "ดู", "media": private.pk}, follow=True)
    assert "no media item number" in refused.content.decode()
    followup.refresh_from_db()
    assert not followup.is_done and not record.evidence.filter(title="ส่วนตัว").exists()
    usage = record.evidence.get(kind=EvidenceKind.USAGE)
    assert usage.figures["uses"] == 0 and usage.figures["fiscal_year"] >= 2569


def test_the_assessment_form_saves_levels_and_new_follow_ups(sv):
    record = sv["records"]["draft"]
    criteria = list(record.rubric.criteria.order_by("sort_order"))
    data = {f"level_{c.pk}": "5" for c in criteria}
    data.update({"strengths": "ดี", "suggestions": "", "action_1": "ทำสื่อเพิ่ม", "due_1": "2030-01-15"})
    response = login(sv, "s1").post(reverse("supervision:assess", args=[record.pk]), data)
    assert response.status_code == 302
    assert set(record.scores.values_list("level", flat=True)) == {5}
    assert record.followups.filter(action="ทำสื่อเพิ่ม").exists()
    bad = login(sv, "s1").post(
        reverse("supervision:assess", args=[record.pk]), {**data, f"level_{criteria[0].pk}": "9"}
    )
    assert bad.status_code == 200 and bad.context["form"].errors


def test_the_record_pdf_is_thai_with_be_dates_and_signature_lines(sv, tmp_path):
    import subprocess

    from core.thaidate import thai_date
    from supervision.pdf import record_pdf

    record = sv["records"]["shared"]
    path = tmp_path / "record.pdf"
    path.write_bytes(record_pdf(record))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Text extraction splits shaped clusters (sara am, a tone mark over a vowel):
    # the words are compared by their letters without the marks above and below.
    for expected in ("แบบบันทึกการนิเทศ กำกับ ติดตามและประเมินผล", "ครูเอ", "การวัดผล", "ลงชื่อ",
                     "ผู้อำนวยการโรงเรียน", thai_date(record.visited_on)):  # fmt: skip
        assert skeleton(expected) in skeleton(text), expected
    assert str(record.visited_on.year + 543) in text
    assert io.BytesIO(path.read_bytes()).getvalue().startswith(b"%PDF")
