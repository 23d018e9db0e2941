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
from pathlib import Path, PurePosixPath

from ..errors import IntegrityError
from ..store import FileStore
from .base import FileRef
from .files import central_file_sha, link_or_copy


def folder_manifest(folder: Path) -> dict[str, str]:
    """Central: put every file under ``folder`` into the store (hashing only files
    that changed since the last time); returns name → sha."""
    manifest: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        manifest[path.relative_to(folder).as_posix()] = central_file_sha(path)[0]
    return manifest


def safe_relative(name: str) -> PurePosixPath:
    """A manifest name must stay inside its folder: no absolute path, no '..'."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise IntegrityError(f"ชื่อไฟล์ไม่ปลอดภัย: {name!r}", f"unsafe file name: {name!r}")
    return path


def materialize_folder(
    manifest: dict[str, str], target: Path, store: FileStore, kept: set[str] | None = None
) -> None:
    """Build ``target`` from the store and swap it in atomically. With ``kept``
    (the shas selective sync kept), names of dropped renditions are left out;
    the owning app then writes a master playlist listing only what is there."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.new")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    for name, sha in manifest.items():
        if kept is not None and sha not in kept:
            continue
        link_or_copy(store.path_for(sha), building / safe_relative(name))
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
        height = next((h for prefix, h in (heights or {}).items() if name.startswith(prefix)), None)
        size = store.path_for(sha).stat().st_size
        refs.setdefault(sha, FileRef(sha=sha, size=size, role=name, height=height))
    return list(refs.values())
