"""The mirror's switch: staged feed entries become rows, in one transaction.

Shared by the network sync (mirror/sync.py) and USB bundles (mirror/bundle.py).

Ordering: every record, deleted or not, keeps the version of the last entry
applied to it (``MirrorRecord``; a deletion stays as a tombstone), so an entry
no newer than what the mirror holds is dropped whichever way it came: an old
USB bundle never brings back a withdrawn lesson or undoes a newer change, and a
bundle's deletion is never undone by an older feed page.

Partial progress: ``apply_staged(ready_only=True)`` applies what can be applied
now (deletions, records that need no file, records whose files are all here)
and leaves the rest staged for a later run, so a full disk never holds back a
password change or a new student.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .errors import IntegrityError, MirrorError, unknown_kinds_error
from .feed import FORGET, key_hash, signed_body
from .models import MirrorRecord, StagedEntry, SyncState
from .signing import verify
from .sources.base import get_source, get_sources, policy_files, scope_matches
from .store import FileStore

UPSERT = "upsert"


def verify_entry(entry: dict[str, Any], public_key) -> None:
    if not verify(public_key, signed_body(entry), entry.get("signature", "")):
        raise IntegrityError.pair(
            gettext_noop("Entry %(version)s has a bad signature; it was not applied."),
            version=entry.get("version"),
        )


def stage_entries(entries: list[dict[str, Any]], public_key) -> None:
    """Keep verified entries for the next switch (idempotent by version)."""
    for entry in entries:
        verify_entry(entry, public_key)
        StagedEntry.objects.update_or_create(
            version=entry["version"], defaults={"entry": entry, "signature": entry["signature"]}
        )


def needed_files(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """sha → file reference, for every file the staged upserts want."""
    files: dict[str, dict[str, Any]] = {}
    for staged in StagedEntry.objects.all():
        entry = staged.entry
        if entry.get("action") == UPSERT:
            for ref in policy_files(entry.get("files", []), policy):
                files[ref["sha"]] = ref
    return files


def pending_bytes(store: FileStore, files: dict[str, dict[str, Any]]) -> int:
    """Bytes still to move for ``files``: sizes less what partial copies hold."""
    total = 0
    for sha, ref in files.items():
        if store.has(sha):
            continue
        partial = store.partial_path(sha)
        have = partial.stat().st_size if partial.exists() else 0
        total += max(int(ref["size"]) - have, 0)
    return total


def in_profile(entry: dict[str, Any], policy: dict[str, Any]) -> bool:
    """Does this mirror's profile want an upsert? (Central already chose for the
    network feed; a bundle made for all schools or another school is filtered
    here, so a mirror takes only its own school's selection.)"""
    school = policy.get("school")
    if not school or entry.get("action") != UPSERT or "scope" not in entry:
        return True
    return scope_matches(
        entry["scope"], school, set(policy.get("subjects") or []), set(policy.get("grades") or [])
    )


def latest_per_record(entries: list[dict[str, Any]], policy: dict[str, Any]) -> list[dict]:
    """Entries in version order, the last one for each record, and only those
    newer than what this mirror holds (tombstones included)."""
    by_record: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: e["version"]):
        if entry["action"] == FORGET:
            record = MirrorRecord.objects.filter(
                source=entry["source"], key_hash=entry["key_hash"]
            ).first()
            if record is None:
                continue
            entry = {**entry, "key": record.key}
        elif not in_profile(entry, policy):
            continue
        by_record[(entry["source"], entry["key"])] = entry
    held = {
        (source, key): version
        for source, key, version in MirrorRecord.objects.values_list("source", "key", "version")
    }
    fresh = [e for e in by_record.values() if e["version"] > held.get((e["source"], e["key"]), 0)]
    return sorted(fresh, key=lambda e: e["version"])


def missing_files(entry: dict[str, Any], store: FileStore, policy: dict[str, Any]) -> list[dict]:
    if entry["action"] != UPSERT:
        return []
    return [
        ref
        for ref in policy_files(entry.get("files", []), policy)
        if not ref.get("optional") and not store.has(ref["sha"])
    ]


def _tombstone(entry: dict[str, Any]) -> dict[str, Any]:
    """A deleted record's row: the signed entry as central sent it (a "forget"
    without the key this mirror matched it to), so it travels on in bundles."""
    signed = dict(entry)
    if entry["action"] == FORGET:
        signed.pop("key")
    return {
        "key_hash": key_hash(entry["source"], entry["key"]),
        "version": entry["version"],
        "entry": signed if entry.get("signature") else {},
        "signature": entry.get("signature", ""),
        "deleted": True,
    }


@transaction.atomic
def apply_staged(
    store: FileStore, policy: dict[str, Any], until: int, full: bool, ready_only: bool = False
) -> tuple[int, list[dict[str, Any]]]:
    """The switch. Returns (entries applied, entries left staged for lack of files).

    Without ``ready_only`` a missing file fails the whole switch (a bundle is
    applied all at once); with it, records whose files are not all here wait.
    """
    state = SyncState.objects.select_for_update().get(pk=SyncState.load().pk)
    staged = [row.entry for row in StagedEntry.objects.all()]
    entries = latest_per_record(staged, policy)
    unknown = sorted({e["source"] for e in entries if get_source(e["source"]) is None})
    if unknown:
        raise unknown_kinds_error(unknown)
    ready, waiting = [], []
    for entry in entries:
        lacking = missing_files(entry, store, policy)
        if not lacking:
            ready.append(entry)
        elif ready_only:
            waiting.append(entry)
        else:
            raise MirrorError.pair(
                gettext_noop("File %(sha)s needed by %(record)s is missing."),
                sha=lacking[0]["sha"],
                record=f"{entry['source']}:{entry['key']}",
            )
    upserts = [e for e in ready if e["action"] == UPSERT]
    removals = [e for e in ready if e["action"] != UPSERT]
    if full:
        keep = {(e["source"], e["key"]) for e in staged if e["action"] == UPSERT}
        # A snapshot names every record it covers; one it does not name but that is
        # no newer than the snapshot was deleted (or left this school's selection).
        live = MirrorRecord.objects.filter(version__lte=until, deleted=False)
        for record in live:
            if (record.source, record.key) not in keep:
                removals.append(
                    {"source": record.source, "key": record.key, "action": "delete",
                     "version": until}
                )  # fmt: skip
    sources = get_sources()
    for source in reversed(sources):
        gone = [e for e in removals if e["source"] == source.name]
        if gone:
            source.delete_batch([e["key"] for e in gone])
            for entry in gone:
                MirrorRecord.objects.update_or_create(
                    source=entry["source"], key=entry["key"], defaults=_tombstone(entry)
                )
    for source in sources:
        batch = [e for e in upserts if e["source"] == source.name]
        if not batch:
            continue
        source.apply_batch(batch, store)
        for entry in batch:
            MirrorRecord.objects.update_or_create(
                source=entry["source"],
                key=entry["key"],
                defaults={
                    "key_hash": key_hash(entry["source"], entry["key"]),
                    "version": entry["version"],
                    "entry": entry,
                    "signature": entry["signature"],
                    "deleted": False,
                },
            )
    waiting_versions = {e["version"] for e in waiting}
    StagedEntry.objects.exclude(version__in=waiting_versions).delete()
    if waiting_versions:
        # Everything below the oldest waiting entry is in: that is the version
        # this mirror reports (the feed itself continues from staged_until).
        state.applied_version = max(state.applied_version, min(waiting_versions) - 1)
    else:
        state.applied_version = max(state.applied_version, until)
        state.staged_until = max(state.staged_until, state.applied_version)
    state.staging_complete = False
    state.full_resync = False
    state.last_sync_at = timezone.now()
    state.last_error = ""
    state.save()
    return len(ready), waiting


def referenced_files(policy: dict[str, Any]) -> set[str]:
    shas: set[str] = set()
    for entry in MirrorRecord.objects.filter(deleted=False).values_list("entry", flat=True):
        shas.update(ref["sha"] for ref in policy_files(entry.get("files", []), policy))
    return shas


def collect_garbage(store: FileStore, policy: dict[str, Any]) -> int:
    """Remove stored files no applied or staged record needs; returns how many."""
    keep = referenced_files(policy) | set(needed_files(policy))
    removed = 0
    for sha in list(store.shas()):
        if sha not in keep:
            store.remove(sha)
            removed += 1
    store.clean_partials(keep=keep)
    return removed
