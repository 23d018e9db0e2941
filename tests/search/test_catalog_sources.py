"""The registry of catalog sources, the page source, and index updates from signals."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.signals import catalog_changed
from search import registry
from search.documents import CatalogDocument, Visibility
from search.models import CatalogEntry
from search.pages import PageCatalogSource, page_visibility
from search.service import audience_for, build_query, search

pytestmark = pytest.mark.django_db


def test_core_pages_are_registered_at_start_up():
    names = {s.name for s in registry.sources()}
    assert {"page:core.homepage", "page:core.sectionpage"} <= names


def test_unknown_source_is_named_in_the_error():
    with pytest.raises(
        LookupError, match="ไม่มีแหล่งข้อมูลค้นหาชื่อ 'nope'.* / No catalog source named 'nope'"
    ):
        registry.get_source("nope")


def test_page_models_opt_in_with_a_class_attribute():
    from core.models import SectionPage

    class FakeLessonPage:  # what an app's page model sets, minus the database
        search_catalog = True

    assert SectionPage.__dict__.get("search_catalog") is None
    source = PageCatalogSource(SectionPage, doc_type="lesson")
    assert source.name == "page:core.sectionpage" and source.doc_type == "lesson"
    assert FakeLessonPage.search_catalog is True


def test_demo_pages_become_documents(demo_site):
    from core.models import SectionPage

    section = SectionPage.objects.live().first()
    source = registry.source_for(section)
    doc = source.to_document(section)
    assert isinstance(doc, CatalogDocument)
    assert doc.title == section.title and doc.url == section.get_url()
    assert doc.visibility == Visibility.PUBLIC and doc.doc_type == "page"
    section.unpublish()
    section.refresh_from_db()
    assert source.to_document(section) is None


def test_view_restrictions_map_to_visibility(demo_site):
    from wagtail.models import PageViewRestriction

    from core.models import SectionPage

    section = SectionPage.objects.first()
    assert page_visibility(section) == Visibility.PUBLIC
    restriction = PageViewRestriction.objects.create(page=section, restriction_type="login")
    assert page_visibility(section) == Visibility.SIGNED_IN
    restriction.restriction_type = "password"
    restriction.password = "x"
    restriction.save()
    assert page_visibility(section) == Visibility.PRIVATE


class NoteSource(registry.CatalogSource):
    """A stand-in for another app's source: any School, as a document."""

    name = "test.school"
    model = "core.School"

    def to_document(self, obj):
        if not obj.is_active:
            return None
        return CatalogDocument(title=f"ข่าวจาก{obj.name}", url="/n/", doc_type="link")


@pytest.fixture
def note_source():
    source = registry.register(NoteSource())
    yield source
    registry.unregister(source.name)


def test_catalog_changed_enqueues_after_commit_and_indexes(
    school, note_source, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        catalog_changed.send(sender=type(school), instance=school, action="publish")
    assert len(callbacks) == 1  # nothing happened inside the transaction
    assert not CatalogEntry.objects.filter(source="test.school").exists()
    callbacks[0]()
    entry = CatalogEntry.objects.get(source="test.school", object_key=str(school.pk))
    assert entry.title == "ข่าวจากโรงเรียนบ้านทดสอบ"

    school.is_active = False
    school.save()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_changed.send(sender=type(school), instance=school, action="unpublish")
    assert not CatalogEntry.objects.filter(source="test.school").exists()


def test_catalog_changed_rejects_an_unknown_action(school):
    with pytest.raises(ValueError, match="unknown action 'archive'"):
        catalog_changed.send(sender=type(school), instance=school, action="archive")


def test_wagtail_publish_unpublish_and_delete_follow_the_page(
    demo_site, eager_tasks, django_capture_on_commit_callbacks
):
    from core.models import SectionPage

    anonymous = audience_for(AnonymousUser())
    section = SectionPage(title="คลังสื่อดาราศาสตร์", slug="astro", section="media")
    with django_capture_on_commit_callbacks(execute=True):
        demo_site.add_child(instance=section)
        section.save_revision().publish()
    assert [h.entry.title for h in search(build_query("ดาราศาสตร์", audience=anonymous)).hits] == [
        "คลังสื่อดาราศาสตร์"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        section.unpublish()
    assert search(build_query("ดาราศาสตร์", audience=anonymous)).total == 0

    with django_capture_on_commit_callbacks(execute=True):
        section.save_revision().publish()
    assert search(build_query("ดาราศาสตร์", audience=anonymous)).total == 1
    pk = section.pk
    with django_capture_on_commit_callbacks(execute=True):
        section.delete()
    assert not CatalogEntry.objects.filter(object_key=str(pk)).exists()
