"""A school's USB bundle holds exactly the school's selection under its rendition
ceiling (originals only when asked); a fresh mirror learns its profile from the
bundle and refuses what lies outside it."""

import json
import os
from pathlib import Path

import pytest

from core.models import GradeLevel, SubjectGroup
from media_center.models import MediaItem
from mirror.bundle import export_bundle, import_bundle
from mirror.feed import refresh_feed
from mirror.models import MirrorRecord, SyncState
from tests.mirror.test_app_sources import write_package

pytestmark = pytest.mark.django_db


def make_video(root: Path, title: str, subject: str) -> MediaItem:
    item = MediaItem.objects.create(
        title=title, type="video", licence="cc-by", copyright_holder="สพท.", status="ready",
        rendition_version="v1", height=720,
        rendition_info={"variants": [{"name": f"{h}p", "height": h} for h in (240, 360, 720)]},
    )  # fmt: skip
    item.subject_groups.set(SubjectGroup.objects.filter(code=subject))
    item.grade_levels.set(GradeLevel.objects.filter(code="ป.5"))
    write_package(root / "renditions" / str(item.pk) / "v1")
    original = root / "originals" / f"{item.pk}.mp4"
    original.parent.mkdir(parents=True, exist_ok=True)
    original.write_bytes(os.urandom(30_000))
    MediaItem.objects.filter(pk=item.pk).update(file=f"originals/{item.pk}.mp4")
    return item


@pytest.fixture
def library(settings, tmp_path, registered):
    root = tmp_path / "prot"
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(root)}
    registered.subject_groups.set(SubjectGroup.objects.filter(code="ค"))
    registered.max_rendition_height = 360
    registered.save()
    maths, science = make_video(root, "เศษส่วน", "ค"), make_video(root, "แรง", "ว")
    refresh_feed()
    return root, maths, science


def bundle_files(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in (folder / "files").rglob("*") if p.is_file()}


def selected_files(root: Path, item: MediaItem) -> dict[str, int]:
    """What a 360p mirror teaching maths plays: rungs up to 360p and the rest of
    the package (by content: equal rung playlists are one file)."""
    from mirror.store import sha256_file

    folder = root / "renditions" / str(item.pk) / "v1"
    kept = {}
    for path in folder.rglob("*"):
        if path.is_file() and "720p" not in path.parts and path.name != "ffmpeg-master.m3u8":
            kept[sha256_file(path)] = path.stat().st_size
    return kept


def test_a_school_bundle_holds_exactly_its_selection_and_ceiling(library, school, tmp_path):
    root, maths, science = library
    bundle = tmp_path / "usb"
    manifest = export_bundle(bundle, school=school.code)
    assert bundle_files(bundle) == selected_files(root, maths)
    assert manifest["profile"]["max_rendition_height"] == 360
    assert manifest["profile"]["subjects"] == ["ค"] and manifest["profile"]["originals"] is False
    keys = {(e["source"], e["key"]) for e in json.loads((bundle / "entries.json").read_text())}
    assert ("media_center.item", str(maths.pk)) in keys
    assert ("media_center.item", str(science.pk)) not in keys
    # Originals only when asked.
    with_originals = export_bundle(tmp_path / "usb-orig", school=school.code, originals=True)
    assert with_originals["files"] == manifest["files"] + 1


def test_a_fresh_mirror_learns_its_profile_and_refuses_what_is_outside_it(
    library, school, tmp_path
):
    root, maths, science = library
    export_bundle(tmp_path / "school", school=school.code)
    export_bundle(tmp_path / "everything")  # the area's bundle: every subject, all rungs
    import_bundle(tmp_path / "school")
    policy = SyncState.load().policy
    assert policy["school"] == school.code and policy["max_rendition_height"] == 360
    import_bundle(tmp_path / "everything")
    held = set(
        MirrorRecord.objects.filter(source="media_center.item").values_list("key", flat=True)
    )
    assert held == {str(maths.pk)}
