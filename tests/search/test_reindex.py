"""The reindex command: progress bar, resumable, stale entries swept."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from search import registry
from search.documents import CatalogDocument
from search.models import CatalogEntry, ReindexRun

pytestmark = pytest.mark.django_db


class GradeSource(registry.CatalogSource):
    """Grade levels (seeded by migrations) as documents: 15 objects to index."""

    name = "test.grade"
    model = "core.GradeLevel"
    fail_after: int | None = None
    seen = 0

    def to_document(self, obj):
        self.seen += 1
        if self.fail_after is not None and self.seen > self.fail_after:
            raise RuntimeError("power cut")
        return CatalogDocument(title=f"บทเรียนชั้น {obj.code}", url="/g/", doc_type="lesson")


@pytest.fixture
def grade_source():
    source = registry.register(GradeSource())
    yield source
    registry.unregister(source.name)


def test_reindex_shows_progress_and_indexes_everything(grade_source):
    out = StringIO()
    call_command("reindex_catalog", "--source", "test.grade", "--batch-size", "4", stdout=out)
    assert CatalogEntry.objects.filter(source="test.grade").count() == 15
    text = out.getvalue()
    assert "15/15 (100%)" in text and "█" in text
    assert ReindexRun.objects.get().finished_at is not None


def test_an_interrupted_reindex_resumes_where_it_stopped(grade_source):
    grade_source.fail_after = 9
    with pytest.raises(RuntimeError, match="power cut"):
        call_command("reindex_catalog", "--source", "test.grade", "--batch-size", "4",
                     stdout=StringIO())  # fmt: skip
    run = ReindexRun.objects.get(finished_at__isnull=True)
    assert CatalogEntry.objects.filter(source="test.grade").count() == 8  # two whole batches
    grade_source.fail_after, grade_source.seen = None, 0
    out = StringIO()
    call_command("reindex_catalog", "--source", "test.grade", "--batch-size", "4", stdout=out)
    assert grade_source.seen == 7  # only what was left
    assert "15/15" in out.getvalue()
    run.refresh_from_db()
    assert run.finished_at is not None
    assert CatalogEntry.objects.filter(source="test.grade").count() == 15


def test_reindex_removes_entries_of_objects_that_are_gone(grade_source):
    from search.indexing import save_documents

    save_documents([("test.grade", "99999", CatalogDocument(title="เก่า", url="/", doc_type="x"))])
    call_command("reindex_catalog", "--source", "test.grade", stdout=StringIO())
    assert not CatalogEntry.objects.filter(object_key="99999").exists()
    assert CatalogEntry.objects.filter(source="test.grade").count() == 15


def test_reindex_all_drops_sources_no_longer_registered(demo_site):
    from search.indexing import save_documents

    save_documents([("retired.app", "1", CatalogDocument(title="เก่า", url="/", doc_type="x"))])
    call_command("reindex_catalog", stdout=StringIO())
    assert not CatalogEntry.objects.filter(source="retired.app").exists()
    assert CatalogEntry.objects.filter(source="page:core.sectionpage").exists()


def test_bad_arguments_are_named():
    with pytest.raises(
        CommandError, match="ไม่มีแหล่งข้อมูลค้นหาชื่อ 'nope'.* / No catalog source named 'nope'"
    ):
        call_command("reindex_catalog", "--source", "nope", stdout=StringIO())
    with pytest.raises(CommandError, match="--batch-size"):
        call_command("reindex_catalog", "--batch-size", "0", stdout=StringIO())
