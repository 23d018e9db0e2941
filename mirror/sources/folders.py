"""Folders as manifests of sha256 names: how an HLS package travels.

An HLS folder (master playlist, one playlist and many segments per rendition)
becomes ``{"relative/name": sha}``; every file goes into the content store, so
a segment shared by two versions of an item moves once, and a changed item
moves only the files that changed. On a mirror the folder is rebuilt beside
the old one from store files (hard links, else copies) and swapped in with one
rename, so a player never sees half of a new version.

    central:  manifest = folder_manifest(hls_dir)        # in records()
              refs = manifest_refs(manifest, sizes, heights)
    mirror:   materialize_folder(manifest, target_dir, store)   # in apply()
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext_noop

from ..errors import IntegrityError
from ..store import FileStore
from .base import FileRef, policy_files
from .files import central_file_sha, link_or_copy, stored_file_sha


def folder_manifest(folder: Path) -> dict[str, str]:
    """Central: put every file under ``folder`` into the store (hashing only files
    that changed since the last time); returns name → sha."""
    manifest: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        manifest[path.relative_to(folder).as_posix()] = central_file_sha(path)[0]
    return manifest


def stored_folder_manifest(storage, prefix: str) -> dict[str, str]:
    """``folder_manifest`` for a folder in any storage (core.storage)."""
    from core.storage import list_files, local_path

    path = local_path(storage, prefix)
    if path is not None:
        return folder_manifest(path) if path.is_dir() else {}
    manifest = {}
    for name in list_files(storage, prefix):
        found = stored_file_sha(storage, f"{prefix}/{name}")
        if found is not None:
            manifest[name] = found[0]
    return manifest


def safe_relative(name: str) -> PurePosixPath:
    """A manifest name must stay inside its folder: no absolute path, no '..'."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise IntegrityError.pair(gettext_noop("unsafe file name: %(name)s"), name=repr(name))
    return path


def materialize_folder(
    manifest: dict[str, str],
    target: Path,
    store: FileStore,
    kept: set[str] | None = None,
    finish: Callable[[Path], None] | None = None,
) -> None:
    """Build ``target`` from the store and swap it in atomically. With ``kept``
    (the shas selective sync kept), names of dropped renditions are left out;
    ``finish(folder)`` runs on the new folder before the swap, e.g.
    ``prune_master_playlist`` so the master lists only the renditions there."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.new")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    for name, sha in manifest.items():
        if kept is not None and sha not in kept:
            continue
        link_or_copy(store.path_for(sha), building / safe_relative(name))
    if finish is not None:
        finish(building)
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        os.replace(target, retired)
    os.replace(building, target)
    shutil.rmtree(retired, ignore_errors=True)


def manifest_refs(
    manifest: dict[str, str], store: FileStore, heights: dict[str, int] | None = None
) -> list[FileRef]:
    """File references for a manifest; ``heights`` maps a name prefix (a
    rendition's folder, e.g. "360p/") to its height for selective sync."""
    refs: dict[str, FileRef] = {}
    for name, sha in manifest.items():
        height = name_height(name, heights)
        known = refs.get(sha)
        if known is not None:
            # The same bytes under two rungs (rung playlists often match): the
            # file is needed as soon as the lower rung is kept; no height at all
            # (shared with a file every mirror keeps) wins.
            if known.height is not None and (height is None or height < known.height):
                refs[sha] = FileRef(sha=sha, size=known.size, role=name, height=height)
            continue
        size = store.path_for(sha).stat().st_size
        refs[sha] = FileRef(sha=sha, size=size, role=name, height=height)
    return list(refs.values())


def name_height(name: str, heights: dict[str, int] | None) -> int | None:
    """The height of the rendition a manifest name belongs to, by its folder prefix."""
    return next((h for prefix, h in (heights or {}).items() if name.startswith(prefix)), None)


def kept_manifest(
    manifest: dict[str, str], heights: dict[str, int], store: FileStore
) -> dict[str, str]:
    """Mirror: the part of a manifest this mirror keeps, chosen *by name*: a taller
    rung's playlist is left out even when a kept rung has the same bytes, so a
    rewritten master never lists a rung whose segments are not here."""
    from ..models import SyncState

    ceiling = int((SyncState.load().policy or {}).get("max_rendition_height") or 0)
    if ceiling and heights:
        ceiling = max(ceiling, min(heights.values()))  # the smallest rung always stays
    kept = {}
    for name, sha in manifest.items():
        height = name_height(name, heights)
        if ceiling and height is not None and height > ceiling:
            continue
        if store.has(sha):
            kept[name] = sha
    return kept


def kept_shas(files: list[dict], store: FileStore) -> set[str]:
    """Mirror: the shas of a record's files that this mirror keeps, by its current
    rendition ceiling, and holds (an optional file may be absent)."""
    from ..models import SyncState

    policy = SyncState.load().policy or {}
    return {ref["sha"] for ref in policy_files(files, policy) if store.has(ref["sha"])}


def prune_master_playlist(folder: Path, name: str = "master.m3u8") -> None:
    """Rewrite an HLS master playlist to list only the variants whose playlist is
    in ``folder`` (selective sync left the taller ones out), so a player never
    asks for a rung the mirror does not hold.

    The master is a hard link to a store file: the new text goes to a new file
    that replaces the name, never into the linked inode.
    """
    master = Path(folder) / name
    if not master.is_file():
        return
    lines = master.read_text(encoding="utf-8").splitlines()
    kept: list[str] = []
    pending: str | None = None  # an EXT-X-STREAM-INF waiting for its URI line
    for line in lines:
        if line.startswith("#EXT-X-STREAM-INF"):
            pending = line
            continue
        if pending is not None and line and not line.startswith("#"):
            if (Path(folder) / safe_relative(line.strip())).is_file():
                kept += [pending, line]
            pending = None
            continue
        if line.startswith("#EXT-X-I-FRAME-STREAM-INF") and 'URI="' in line:
            uri = line.split('URI="', 1)[1].split('"', 1)[0]
            if not (Path(folder) / safe_relative(uri)).is_file():
                continue
        kept.append(line)
    text = "\n".join(kept) + "\n"
    if text == "\n".join(lines) + "\n":
        return
    temporary = master.with_name(f".{master.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, master)
