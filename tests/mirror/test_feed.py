import pytest

from core.models import SubjectGroup
from mirror.feed import FORGET, feed_page, key_hash, latest_version, refresh_feed, signed_body
from mirror.models import ChangeEntry
from mirror.signing import load_public_key, verify

pytestmark = pytest.mark.django_db


def _entries(mirror, since):
    page = feed_page(mirror, since, limit=10_000)
    return page, {(e["source"], e.get("key", e.get("key_hash"))): e for e in page["entries"]}


def test_refresh_gives_versions_only_to_what_changed(registered, mirror_conf):
    assert refresh_feed() > 0
    top = latest_version()
    assert refresh_feed() == 0 and latest_version() == top
    SubjectGroup.objects.filter(code="ค").update(name_en="Maths")
    assert refresh_feed() == 1
    entry = ChangeEntry.objects.get(source="core.subject_group", key="ค")
    assert entry.version == top + 1 and entry.payload["name_en"] == "Maths"
    # One row per record, however often it changes.
    assert ChangeEntry.objects.filter(source="core.subject_group", key="ค").count() == 1


def test_every_entry_is_signed_by_central(registered, mirror_conf):
    refresh_feed()
    public = load_public_key(_central_public(mirror_conf))
    page, _ = _entries(registered, 0)
    assert page["entries"]
    for entry in page["entries"]:
        assert verify(public, signed_body(entry), entry["signature"])
    tampered = {**page["entries"][0], "key": "x"}
    assert not verify(public, signed_body(tampered), tampered["signature"])


def _central_public(conf):
    from mirror.signing import load_private_key, public_key_text

    return public_key_text(load_private_key(conf["central_key"]))


def test_users_go_only_to_their_own_school_and_leave_with_a_hashed_forget(
    registered, make_user, school, mirror_conf
):
    from core.models import School

    other = School.objects.create(
        code="2000000002", name="โรงเรียนอื่น", network=school.network,
        district="เมือง", size_class="small", link_type="adsl",
    )  # fmt: skip
    make_user("s1", school=school)
    make_user("s2", school=other)
    refresh_feed()
    page, entries = _entries(registered, 0)
    assert page["full"] is True
    assert ("core.user", "s1") in entries and ("core.user", "s2") not in entries
    assert entries[("core.user", "s1")]["payload"]["password"].startswith("md5$")
    since = page["until"]

    from core.models import User

    User.objects.filter(username="s1").update(school=other)
    refresh_feed()
    page, entries = _entries(registered, since)
    forgets = [e for e in page["entries"] if e["action"] == FORGET]
    assert [f["key_hash"] for f in forgets] == [key_hash("core.user", "s1")]
    # No field names the user: compare whole values (a signature may contain "s1").
    assert all(value != "s1" for f in forgets for value in f.values())
    assert all(value != "s2" for e in page["entries"] for value in e.values())
    assert all(
        e.get("payload", {}).get("username") not in {"s1", "s2"}
        for e in page["entries"]
        if e["action"] != FORGET
    )


def test_a_deleted_record_becomes_a_tombstone_but_not_in_a_snapshot(registered, mirror_conf):
    from core.models import AreaOffice

    AreaOffice.objects.create(code="GONE", name="ยุบแล้ว")
    refresh_feed()
    since = latest_version()
    AreaOffice.objects.filter(code="GONE").delete()
    refresh_feed()
    _, entries = _entries(registered, since)
    assert entries[("core.area", "GONE")]["action"] == "delete"
    _, snapshot = _entries(registered, 0)
    assert ("core.area", "GONE") not in snapshot


def test_feed_pages_continue_where_the_last_stopped(registered, mirror_conf):
    refresh_feed()
    seen, since, pages = [], 0, 0
    while True:
        page = feed_page(registered, since, limit=5)
        seen += [e["version"] for e in page["entries"]]
        since, pages = page["until"], pages + 1
        if not page["more"]:
            break
    assert pages > 1
    assert seen == sorted(ChangeEntry.objects.values_list("version", flat=True))


def test_changing_a_mirrors_selection_makes_it_start_again(registered, mirror_conf):
    from mirror.actions import register_mirror

    register_mirror("school-1", registered.school.code, registered.public_key, subjects=["ค"])
    registered.refresh_from_db()
    assert registered.resync_required


def test_central_drops_stored_files_no_entry_names(registered, mirror_conf, settings):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from mirror.feed import collect_central_garbage
    from mirror.store import FileStore

    document = Document.objects.create(title="ใบงาน", file=ContentFile(b"v1", name="a.pdf"))
    refresh_feed()
    store = FileStore()
    old = ChangeEntry.objects.get(source="wagtail.document").files[0]["sha"]
    document.file.save("b.pdf", ContentFile(b"v2"), save=True)
    refresh_feed()
    new = ChangeEntry.objects.get(source="wagtail.document").files[0]["sha"]
    assert store.has(old) and store.has(new)
    assert collect_central_garbage() == 1
    assert not store.has(old) and store.has(new)
