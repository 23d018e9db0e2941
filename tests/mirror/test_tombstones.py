"""Deletions are versions too: whichever way entries arrive (USB bundle or
network feed, in any order), an older one never undoes a newer deletion or change.

Central and mirror share one database here, so a record that comes back after
its deletion on central is exactly the resurrection a school would see."""

import pytest

from core.models import User
from mirror.apply import apply_staged, stage_entries
from mirror.bundle import export_bundle, import_bundle
from mirror.client import central_public_key
from mirror.feed import feed_page, refresh_feed
from mirror.models import MirrorRecord, SyncState
from mirror.store import FileStore

pytestmark = pytest.mark.django_db


def network_sync(mirror, page) -> None:
    """Apply one feed page as the mirror's sync would."""
    stage_entries(page["entries"], central_public_key())
    apply_staged(FileStore(), SyncState.load().policy, page["until"], page["full"], True)


def test_an_older_bundle_never_brings_back_a_deletion_or_undoes_a_change(
    registered, make_user, school, tmp_path
):
    make_user("leaver", school=school, first_name="Old")
    make_user("stayer", school=school, first_name="Old")
    refresh_feed()
    old_bundle = tmp_path / "old"
    export_bundle(old_bundle, school=school.code)
    import_bundle(old_bundle)
    applied = SyncState.load().applied_version

    User.objects.filter(username="leaver").delete()
    User.objects.filter(username="stayer").update(first_name="New")
    refresh_feed()
    network_sync(registered, feed_page(registered, applied))
    assert MirrorRecord.objects.get(source="core.user", key="leaver").deleted

    import_bundle(old_bundle)  # the same old USB drive, plugged in again
    assert not User.objects.filter(username="leaver").exists()
    assert User.objects.get(username="stayer").first_name == "New"


def test_a_deletion_from_a_bundle_is_not_undone_by_an_older_feed_page(
    registered, make_user, school, tmp_path
):
    make_user("leaver", school=school)
    refresh_feed()
    old_page = feed_page(registered, 0)  # fetched before the deletion, applied after
    User.objects.filter(username="leaver").delete()
    refresh_feed()
    bundle = tmp_path / "new"
    manifest = export_bundle(bundle, school=school.code)
    entries = (bundle / "entries.json").read_text()
    assert '"delete"' in entries and manifest["entries"] > 0
    import_bundle(bundle)
    network_sync(registered, old_page)
    assert not User.objects.filter(username="leaver").exists()
