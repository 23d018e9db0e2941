"""Media items as a mirror sync source: metadata, original file and HLS package.

One record per ready item, keyed by central's id (lessons embed items by id, so
the mirror keeps it). Its files:

- the HLS package of the current rendition version (master and rung playlists,
  segments, poster, thumbnail, sprite sheets and their WebVTT, the download MP4)
  as a manifest of sha256 names (``mirror.sources.folders``); each rung's files
  carry the rung's height, so a mirror that keeps renditions up to 360p fetches
  only those, and its master playlist is rewritten to list only them;
- the original upload, tagged with the item's own height: a mirror keeps it only
  when its ceiling reaches that height (or it keeps everything), because an
  original is usually the largest file and the renditions already play.

The scope is the item's subject groups and grades; an item visible only to its
own school goes only to that school's mirror, private items never leave central.
On the mirror the package is rebuilt beside the old one and swapped in with one
rename (``materialize_folder``); a superseded version's folder is removed only
after the switch transaction commits, so a player never loses the files of the
row it read.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import transaction

from mirror.sources import (
    FileRef,
    FileStore,
    Record,
    SyncSource,
    kept_manifest,
    kept_shas,
    link_or_copy,
    manifest_refs,
    materialize_folder,
    prune_master_playlist,
    register_source,
    reset_sequences,
    safe_relative,
    stored_file_sha,
    stored_folder_manifest,
)

from .conf import media_settings
from .models import MediaItem, Status, Visibility
from .storage import protected_storage

# Plain fields that travel as they are.
FIELDS = [
    "title", "type", "description", "external_url", "language", "licence",
    "copyright_holder", "visibility", "duration", "width", "height",
    "rendition_version", "rendition_info", "import_key",
]  # fmt: skip
# Renditions encoded before each rung got its own muxer also hold ffmpeg's own
# master, which no player reads: it stays on central.
SKIPPED_NAMES = {"ffmpeg-master.m3u8"}


def protected_root() -> Path:
    return Path(media_settings.PROTECTED_ROOT)


def renditions_root(item_id: int | str) -> Path:
    return protected_root() / "renditions" / str(item_id)


def rung_heights(item: MediaItem) -> dict[str, int]:
    """Folder prefix → height for every video rung ("360p/": 360); audio rungs
    have no height and are always kept."""
    heights = {}
    for variant in (item.rendition_info or {}).get("variants") or []:
        if variant.get("height") and variant.get("name"):
            heights[f"{variant['name']}/"] = int(variant["height"])
    return heights


def original_height(item: MediaItem, heights: dict[str, int]) -> int | None:
    """The height a video's original counts as for the ceiling; None for other kinds."""
    if item.type != "video":
        return None
    return max([item.height or 0, *heights.values()]) or None


class MediaItemSource(SyncSource):
    name = "media_center.item"
    order = 50  # after vocabulary and schools, before the pages that embed items
    usage_object_type = "media_center.mediaitem"  # keys are the items' ids

    def records(self) -> Iterable[Record]:
        items = (
            MediaItem.objects.filter(status=Status.READY)
            .exclude(visibility=Visibility.PRIVATE)
            .select_related("owner_school", "owner_area")
            .prefetch_related("subject_groups", "grade_levels", "indicators")
            .order_by("pk")
        )
        store = FileStore()
        for item in items:
            yield self.record(item, store)

    def record(self, item: MediaItem, store: FileStore) -> Record:
        subjects = sorted(group.code for group in item.subject_groups.all())
        grades = sorted(grade.code for grade in item.grade_levels.all())
        payload: dict[str, Any] = {
            "fields": {name: getattr(item, name) for name in FIELDS},
            "subjects": subjects,
            "grades": grades,
            "indicators": sorted(indicator.code for indicator in item.indicators.all()),
            "owner_school": item.owner_school.code if item.owner_school else None,
            "owner_area": item.owner_area.code if item.owner_area else None,
            "original": None,
            "renditions": {},
        }
        refs: list[FileRef] = []
        heights = rung_heights(item)
        if item.rendition_version:
            prefix = f"renditions/{item.pk}/{item.rendition_version}"
            manifest = {
                name: sha
                for name, sha in stored_folder_manifest(protected_storage, prefix).items()
                if name not in SKIPPED_NAMES
            }
            if manifest:
                payload["renditions"] = manifest
                payload["rungs"] = heights
                refs += manifest_refs(manifest, store, heights)
        if item.file and item.file.name:
            found = stored_file_sha(protected_storage, item.file.name)
            if found is not None:
                sha, size = found
                payload["original"] = {"name": item.file.name, "sha": sha}
                height = original_height(item, heights)
                refs.append(FileRef(sha=sha, size=size, role="original", height=height))
        scope: dict[str, list[str]] = {"subjects": subjects, "grades": grades}
        if item.visibility == Visibility.SCHOOL and item.owner_school:
            scope["schools"] = [item.owner_school.code]
        return Record(str(item.pk), payload, refs, scope)

    def apply_batch(self, upserts: list[dict], store) -> None:
        super().apply_batch(upserts, store)
        reset_sequences(MediaItem)

    def apply(self, key, payload, files, store) -> None:
        from wagtail.models import Collection

        from core.models import AreaOffice, GradeLevel, Indicator, School, SubjectGroup

        kept = kept_shas(files, store)
        fields = payload["fields"]
        item = MediaItem.objects.filter(pk=key).first() or MediaItem(pk=int(key))
        for name, value in fields.items():
            setattr(item, name, value)
        item.status = Status.READY  # never PENDING: the mirror does not transcode
        item.error_message = ""
        item.collection = Collection.get_first_root_node()
        item.owner_school = School.objects.filter(code=payload["owner_school"]).first()
        item.owner_area = AreaOffice.objects.filter(code=payload["owner_area"]).first()
        original = payload.get("original")
        if original and original["sha"] in kept:
            name = str(safe_relative(original["name"]))
            link_or_copy(store.path_for(original["sha"]), protected_root() / name)
            item.file.name = name
        else:
            item.file.name = ""
        version = fields.get("rendition_version") or ""
        if version and payload.get("renditions"):
            target = renditions_root(key) / safe_relative(version)
            manifest = kept_manifest(payload["renditions"], payload.get("rungs") or {}, store)
            materialize_folder(manifest, target, store, finish=prune_master_playlist)
        item.save()
        item.subject_groups.set(SubjectGroup.objects.filter(code__in=payload["subjects"]))
        item.grade_levels.set(GradeLevel.objects.filter(code__in=payload["grades"]))
        item.indicators.set(Indicator.objects.filter(code__in=payload["indicators"]))
        transaction.on_commit(lambda: remove_other_versions(key, version))

    def delete(self, key: str) -> None:
        item = MediaItem.objects.filter(pk=key).first()
        if item is not None:
            item.delete()  # its files go after commit (media_center.signal_handlers)


def remove_other_versions(key: str, current: str) -> None:
    """After the switch: rendition folders of versions the row no longer names."""
    root = renditions_root(key)
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name != current:
            shutil.rmtree(folder, ignore_errors=True)


register_source(MediaItemSource())
