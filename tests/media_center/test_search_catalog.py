"""Media items are found by the site's search only when ready, with their sharing level."""

import pytest

from core.models import GradeLevel, SubjectGroup
from media_center.models import MediaItem, Status
from search.registry import source_for

pytestmark = pytest.mark.django_db


def make_item(school, **fields):
    item = MediaItem.objects.create(
        title="การสังเคราะห์ด้วยแสง", type="video", licence="cc-by", copyright_holder="สพป.",
        owner_school=school, duration=60, **fields,
    )  # fmt: skip
    item.subject_groups.set([SubjectGroup.objects.get(code="ว")])
    item.grade_levels.set([GradeLevel.objects.get(code="ป.5")])
    return item


def test_ready_items_become_documents_with_subject_grade_and_visibility(school):
    item = make_item(school, status=Status.READY, visibility="school")
    doc = source_for(item).to_document(item)
    assert (doc.doc_type, doc.visibility, doc.school_id) == ("video", "school", school.pk)
    assert doc.subject_codes == ["ว"] and doc.grade_codes == ["ป.5"]
    assert doc.url == item.url


def test_items_still_processing_are_not_searchable(school):
    item = make_item(school, status=Status.PROCESSING)
    assert source_for(item).to_document(item) is None
