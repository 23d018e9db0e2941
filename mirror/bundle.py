"""USB bundles: the feed and its files in a folder, for schools with no link.

    bundle/khlang-bundle.json    manifest (format, school, entry count, sizes)
    bundle/entries.json          signed feed entries (the same as over the network)
    bundle/files/ab/<sha256>     content-addressed files

Export (central, or any mirror from what it holds) copies files in chunks and
continues a partly written file. Import trusts nothing in the folder: entries
must carry central's signatures, file names are built from verified sha256
values (never from a path in the folder), symlinks anywhere are refused, each
file is hashed before use, and a file cut short by an interrupted copy is kept
as a partial so the next import continues from where it stopped. Entries are
applied with the same one-transaction switch as a network sync, and only when
every file they need is present.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from .apply import apply_staged, in_profile, needed_files, stage_entries
from .conf import is_mirror, mirror_settings
from .errors import IntegrityError, MirrorError
from .models import MirrorRecord, SyncState
from .sources.base import policy_files
from .store import FileStore, is_sha256, sha256_file
from .sync import Journal, sync_lock

MANIFEST = "khlang-bundle.json"
ENTRIES = "entries.json"
FORMAT = 1
PROFILE_KEYS = ("school", "subjects", "grades", "max_rendition_height", "originals")


def _entries_for_export(
    school: str | None, originals: bool
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Signed entries (tombstones included) and the profile they were chosen by."""
    if is_mirror():
        policy = SyncState.load().policy or {}
        profile = {key: policy[key] for key in PROFILE_KEYS if key in policy} or None
        records = MirrorRecord.objects.exclude(signature="").order_by("version")
        return [record.entry for record in records], profile
    from .feed import full_export, refresh_feed, school_profile

    refresh_feed()
    profile = school_profile(school, originals) if school else None
    return full_export(profile), profile


def export_bundle(
    destination: Path, school: str | None = None, progress=None, originals: bool = False
) -> dict[str, Any]:
    """Write (or finish writing) a bundle; returns its manifest.

    With ``school``: exactly that school's selection (its mirror's subjects and
    grades, its accounts) and the files under its rendition ceiling; originals
    only with ``originals``. The profile goes in the manifest, so a fresh mirror
    learns it from the bundle."""
    store = FileStore()
    entries, profile = _entries_for_export(school, originals)
    files: dict[str, int] = {}
    for entry in entries:
        refs = policy_files(entry.get("files", []), profile) if profile else entry.get("files", [])
        for ref in refs:
            if store.has(ref["sha"]):
                files[ref["sha"]] = int(ref["size"])
    destination.mkdir(parents=True, exist_ok=True)
    (destination / MANIFEST).unlink(missing_ok=True)  # incomplete until written again
    entries_bytes = json.dumps(entries, ensure_ascii=False).encode()
    _write_atomic(destination / ENTRIES, entries_bytes)
    bar = progress(sum(files.values()), "export") if progress and files else None
    for sha, size in sorted(files.items()):
        target = destination / "files" / sha[:2] / sha
        _copy_resuming(store.path_for(sha), target, size, store)
        if bar:
            bar.advance(size)
    if bar:
        bar.finish()
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "school": school,
        "profile": profile,
        "entries": len(entries),
        "entries_sha256": sha256_file(destination / ENTRIES),
        "files": len(files),
        "bytes": sum(files.values()),
    }
    _write_atomic(destination / MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
    return manifest


def _write_atomic(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _copy_resuming(source: Path, target: Path, size: int, store=None) -> int:
    """Copy ``source`` to ``target`` from where an earlier copy stopped; returns bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    have = target.stat().st_size if target.exists() else 0
    if have > size:
        target.unlink()
        have = 0
    if have == size:
        return 0
    chunk = int(mirror_settings.CHUNK_SIZE)
    moved = 0
    with open(source, "rb") as reader, open(target, "r+b" if have else "wb") as writer:
        reader.seek(have)
        writer.seek(have)
        while block := reader.read(chunk):
            if store is not None and target.is_relative_to(store.root):
                store.ensure_room(len(block))
                store.note_written(len(block))
            writer.write(block)
            moved += len(block)
    return moved


def check_bundle_tree(root: Path) -> None:
    """Refuse a bundle with symlinks anywhere, or a manifest that is not a plain file."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                raise IntegrityError.pair(
                    gettext_noop("the bundle contains a symlink %(path)s; refused"),
                    path=path.relative_to(root),
                )


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.is_file():
        raise MirrorError.pair(
            gettext_noop(
                "no %(manifest)s in %(folder)s: the bundle is incomplete or not a Khlang bundle"
            ),
            manifest=MANIFEST,
            folder=root,
        )
    try:
        manifest = json.loads(path.read_text())
    except ValueError as error:
        raise MirrorError.pair(
            gettext_noop("%(file)s: not readable JSON (line %(line)s)"),
            file=MANIFEST,
            line=getattr(error, "lineno", "?"),
        ) from error
    if manifest.get("format") != FORMAT:
        raise MirrorError.pair(
            gettext_noop("%(file)s: unsupported format %(format)s"),
            file=MANIFEST,
            format=repr(manifest.get("format")),
        )
    return manifest


def bundle_file(root: Path, sha: str) -> Path:
    """Where a file must be in the bundle: built from a verified sha, inside root."""
    if not is_sha256(sha):
        raise IntegrityError.pair(gettext_noop("not a sha256 file name: %(name)s"), name=repr(sha))
    path = root / "files" / sha[:2] / sha
    if not path.resolve().is_relative_to(root):
        raise IntegrityError.pair(gettext_noop("file outside the bundle: %(name)s"), name=sha)
    return path


def import_bundle(source: Path, progress=None) -> dict[str, Any]:
    """Verify, copy and apply a bundle; raises naming what is missing or wrong."""
    from .client import central_public_key

    root = Path(source).resolve()
    with sync_lock(FileStore()), Journal("import") as journal:
        check_bundle_tree(root)
        manifest = read_manifest(root)
        entries_path = root / ENTRIES
        if not entries_path.is_file() or sha256_file(entries_path) != manifest.get(
            "entries_sha256"
        ):
            raise IntegrityError.pair(
                gettext_noop("%(file)s does not match %(manifest)s"),
                file=ENTRIES,
                manifest=MANIFEST,
            )
        entries = json.loads(entries_path.read_text())
        if not isinstance(entries, list):
            raise IntegrityError.pair(gettext_noop("%(file)s: not a list"), file=ENTRIES)
        policy = learn_profile(manifest)
        stage_entries([e for e in entries if in_profile(e, policy)], central_public_key())
        store = FileStore()
        # The bundle's own files; records a network sync left waiting for room
        # stay waiting (the switch below applies only what is complete).
        carried = {ref["sha"] for e in entries for ref in policy_files(e.get("files", []), policy)}
        files = {sha: ref for sha, ref in needed_files(policy).items() if sha in carried}
        lacking = store.missing(files)
        store.ensure_room(sum(int(files[sha]["size"]) for sha in lacking))
        bar = progress(len(lacking), "import") if progress and lacking else None
        incomplete: list[str] = []
        for sha in lacking:
            moved = _import_file(root, sha, int(files[sha]["size"]), store)
            journal.bytes_moved += moved
            if store.has(sha):
                journal.files_moved += 1
            else:
                incomplete.append(sha)
            if bar:
                bar.advance(1)
        if bar:
            bar.finish()
        if incomplete:
            raise MirrorError.pair(
                gettext_noop(
                    "the bundle is incomplete: %(count)s files missing (e.g. %(example)s); "
                    "finish copying and import again, what arrived is kept"
                ),
                count=len(incomplete),
                example=incomplete[0],
            )
        until = max((int(e["version"]) for e in entries), default=0)
        applied, _ = apply_staged(store, policy, until, full=True, ready_only=True)
        journal.entries_applied = applied
        return {"entries": applied, "files": journal.files_moved, "bytes": journal.bytes_moved}


def learn_profile(manifest: dict[str, Any]) -> dict[str, Any]:
    """A fresh mirror (no profile yet) takes the bundle's: its school, selection
    and ceiling; a mirror that has one keeps it and takes only what fits it."""
    state = SyncState.load()
    policy = state.policy or {}
    profile = manifest.get("profile") or {}
    if not policy.get("school") and profile.get("school"):
        policy = {**policy, **{key: profile[key] for key in PROFILE_KEYS if key in profile}}
        state.policy = policy
        state.save(update_fields=["policy"])
    return policy


def _import_file(root: Path, sha: str, size: int, store: FileStore) -> int:
    """Copy one file into the store's partial area, resuming; verify when whole."""
    source = bundle_file(root, sha)
    if not source.is_file():
        return 0
    partial = store.partial_path(sha)
    available = source.stat().st_size
    moved = _copy_resuming(source, partial, min(available, size), store)
    if partial.stat().st_size >= size:
        store.commit_partial(sha)  # raises, and drops the copy, if the hash is wrong
    return moved
