"""Media titles by subject group, for the area's KPI dashboard, against a hand count."""

import pytest

from core.models import GradeLevel, SubjectGroup
from media_center.models import MediaItem, Status
from reports.registry import Period, get_counter, get_dimension_resolver

pytestmark = pytest.mark.django_db


def item(title, status, groups, grades=()):
    media = MediaItem.objects.create(
        title=title,
        type="video",
        licence="cc-by",
        copyright_holder="สพป.",
        status=status,
        duration=5,
    )
    media.subject_groups.set(SubjectGroup.objects.filter(code__in=groups))
    media.grade_levels.set(GradeLevel.objects.filter(code__in=grades))
    return media


def test_ready_titles_are_counted_per_subject_group():
    item("เศษส่วน", Status.READY, ["ค"])
    item("แรงและการเคลื่อนที่", Status.READY, ["ว", "ค"])
    item("ยังแปลงไฟล์ไม่เสร็จ", Status.PROCESSING, ["ค"])
    result = get_counter("media_titles")(Period.for_fiscal_year(2599))
    assert result.value == 2
    assert result.breakdown == {"ค": 2, "ว": 1}
    assert [i.label for i in result.items] == ["เศษส่วน", "แรงและการเคลื่อนที่"]
    assert get_counter("media_titles")(Period.for_fiscal_year(2500)).value == 0


def test_usage_of_an_item_splits_by_its_subject_and_grades():
    media = item("การอ่านจับใจความ", Status.READY, ["ท"], ["ป.4", "ป.5"])
    info = get_dimension_resolver("media_center.mediaitem")([str(media.pk), "x"])
    assert list(info) == [str(media.pk)]
    assert info[str(media.pk)].subject_group_id == SubjectGroup.objects.get(code="ท").pk
    assert len(info[str(media.pk)].grade_level_ids) == 2
