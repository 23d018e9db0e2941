"""The mirror's side of content sync: stage the feed, fetch files, switch at once.

    SyncManager().run()

1. Stage: feed pages after the applied version are fetched, their signatures
   checked, and kept as ``StagedEntry`` rows (an interrupted sync continues from
   the last staged page instead of asking again).
2. Fetch: files the staged entries need and the store lacks are downloaded with
   Range resume, after a disk check for everything still to come.
3. Switch: one transaction applies every staged entry through its source and
   moves the applied version, so students see all of a change or none of it.
4. Tidy: files no record needs and finished journals beyond the limit go.

Everything here works the same for a USB bundle (mirror/bundle.py), which
stages entries from a folder instead of from central.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .conf import mirror_settings
from .errors import FileGoneError, IntegrityError, MirrorError, OutsideWindowError
from .feed import FORGET, key_hash, signed_body
from .models import MirrorRecord, StagedEntry, SyncJournal, SyncState
from .signing import verify
from .sources.base import get_source, get_sources, wanted_files
from .store import FileStore

ProgressFactory = Callable[[int, str], Any]  # (total, label) -> object with .advance(n)


@dataclass
class SyncResult:
    entries_applied: int = 0
    files_fetched: int = 0
    bytes_fetched: int = 0
    version: int = 0
    fetch_seconds: float = 0.0  # time spent moving files (the link's share of a sync)


def parse_window(window: str) -> tuple[dt.time, dt.time] | None:
    """ "22:00-05:00" → (22:00, 05:00); "" → None (any time). Raises on nonsense."""
    if not window:
        return None
    try:
        start_text, end_text = window.split("-")
        start = dt.time.fromisoformat(start_text.strip())
        end = dt.time.fromisoformat(end_text.strip())
    except ValueError as error:
        raise MirrorError(
            f"ช่วงเวลาซิงก์ไม่ถูกต้อง: {window!r} (ใช้ HH:MM-HH:MM)",
            f"bad sync window {window!r} (use HH:MM-HH:MM)",
        ) from error
    return start, end


def in_window(window: str, now: dt.time) -> bool:
    """Is ``now`` inside the window? A window may run past midnight."""
    bounds = parse_window(window)
    if bounds is None:
        return True
    start, end = bounds
    if start <= end:
        return start <= now < end
    return now >= start or now < end


def verify_entry(entry: dict[str, Any], public_key) -> None:
    if not verify(public_key, signed_body(entry), entry.get("signature", "")):
        raise IntegrityError(
            f"ลายเซ็นของรายการ {entry.get('version')} ไม่ถูกต้อง จึงไม่นำมาใช้",
            f"entry {entry.get('version')} has a bad signature; rejected",
        )


def stage_entries(entries: list[dict[str, Any]], public_key) -> None:
    """Keep verified entries for the next switch (idempotent by version)."""
    for entry in entries:
        verify_entry(entry, public_key)
        StagedEntry.objects.update_or_create(
            version=entry["version"], defaults={"entry": entry, "signature": entry["signature"]}
        )


def needed_files(max_height: int) -> dict[str, dict[str, Any]]:
    """sha → file reference, for every file the staged upserts want."""
    files: dict[str, dict[str, Any]] = {}
    for staged in StagedEntry.objects.all():
        entry = staged.entry
        if entry.get("action") == "upsert":
            for ref in wanted_files(entry.get("files", []), max_height):
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


def _latest_per_record(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries in version order, keeping only the last one for each record."""
    by_record: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in sorted(entries, key=lambda e: e["version"]):
        if entry["action"] == FORGET:
            record = MirrorRecord.objects.filter(
                source=entry["source"], key_hash=entry["key_hash"]
            ).first()
            if record is None:
                continue
            entry = {**entry, "key": record.key}
        by_record[(entry["source"], entry["key"])] = entry
    held = {
        (source, key): version
        for source, key, version in MirrorRecord.objects.values_list("source", "key", "version")
    }
    # A USB bundle may be older than what the network already brought.
    fresh = [e for e in by_record.values() if e["version"] > held.get((e["source"], e["key"]), 0)]
    return sorted(fresh, key=lambda e: e["version"])


@transaction.atomic
def apply_staged(store: FileStore, max_height: int, until: int, full: bool) -> int:
    """The switch: apply every staged entry in one transaction; returns how many."""
    state = SyncState.objects.select_for_update().get(pk=SyncState.load().pk)
    staged = [row.entry for row in StagedEntry.objects.all()]
    entries = _latest_per_record(staged)
    unknown = sorted({e["source"] for e in entries if get_source(e["source"]) is None})
    if unknown:
        raise MirrorError(
            f"ไม่รู้จักชนิดข้อมูล {', '.join(unknown)}: โปรดปรับรุ่นโปรแกรมของเครื่องนี้",
            f"unknown record kinds {', '.join(unknown)}: upgrade this mirror's software",
        )
    for entry in entries:
        if entry["action"] != "upsert":
            continue
        for ref in wanted_files(entry["files"], max_height):
            if not ref.get("optional") and not store.has(ref["sha"]):
                raise MirrorError(
                    f"ยังไม่มีไฟล์ {ref['sha']} ที่ {entry['source']}:{entry['key']} ต้องใช้",
                    f"file {ref['sha']} needed by {entry['source']}:{entry['key']} is missing",
                )
    upserts = [e for e in entries if e["action"] == "upsert"]
    removals = [e for e in entries if e["action"] != "upsert"]
    if full:
        keep = {(e["source"], e["key"]) for e in staged if e["action"] == "upsert"}
        # A snapshot names every record it covers; one it does not name but that is
        # no newer than the snapshot was deleted (or left this school's selection).
        for record in MirrorRecord.objects.filter(version__lte=until):
            if (record.source, record.key) not in keep:
                removals.append({"source": record.source, "key": record.key, "action": "delete"})
    sources = get_sources()
    for source in reversed(sources):
        keys = [e["key"] for e in removals if e["source"] == source.name]
        if keys:
            source.delete_batch(keys)
            MirrorRecord.objects.filter(source=source.name, key__in=keys).delete()
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
                },
            )
    StagedEntry.objects.all().delete()
    state.applied_version = max(state.applied_version, until)
    state.staged_until = state.applied_version
    state.staging_complete = False
    state.full_resync = False
    state.last_sync_at = timezone.now()
    state.last_error = ""
    state.save()
    return len(entries)


def referenced_files(max_height: int) -> set[str]:
    shas: set[str] = set()
    for entry in MirrorRecord.objects.values_list("entry", flat=True):
        shas.update(ref["sha"] for ref in wanted_files(entry.get("files", []), max_height))
    return shas


def collect_garbage(store: FileStore, max_height: int) -> int:
    """Remove stored files no applied or staged record needs; returns how many."""
    keep = referenced_files(max_height) | set(needed_files(max_height))
    removed = 0
    for sha in list(store.shas()):
        if sha not in keep:
            store.remove(sha)
            removed += 1
    store.clean_partials(keep=keep)
    return removed


def prune_journal() -> None:
    keep = int(mirror_settings.JOURNAL_KEEP)
    stale = list(SyncJournal.objects.order_by("-started_at", "-pk").values_list("pk", flat=True))
    SyncJournal.objects.filter(pk__in=stale[keep:]).delete()


class Journal:
    """A context for one run: a SyncJournal row that ends ok or failed."""

    def __init__(self, kind: str):
        self.row = SyncJournal.objects.create(kind=kind)

    def __enter__(self) -> SyncJournal:
        return self.row

    def __exit__(self, exc_type, exc, tb) -> None:
        self.row.finished_at = timezone.now()
        self.row.status = "failed" if exc else "ok"
        if exc:
            self.row.message = str(exc)[:4000]
        self.row.save()
        prune_journal()


def reset_staging() -> None:
    StagedEntry.objects.all().delete()
    state = SyncState.load()
    state.staging_complete = False
    state.full_resync = False
    state.staged_until = state.applied_version
    state.save()


@contextlib.contextmanager
def sync_lock(store: FileStore):
    """One sync or import at a time per store (a beat task may fire while a long
    satellite sync still runs); a second one fails at once instead of waiting."""
    store.root.mkdir(parents=True, exist_ok=True)
    with open(store.root / ".sync.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise MirrorError(
                "มีการซิงก์หรือนำเข้าอีกงานหนึ่งกำลังทำอยู่", "another sync or import is running"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SyncManager:
    """Pull content from central. Reusable by the command, the beat task and bench."""

    def __init__(self, client=None, store: FileStore | None = None, progress=None):
        from .client import CentralClient

        self.client = client or CentralClient()
        self.store = store or FileStore()
        self.progress: ProgressFactory | None = progress
        self.force = False

    def policy(self) -> dict[str, Any]:
        return SyncState.load().policy or {}

    def run(self, force: bool = False) -> SyncResult:
        with sync_lock(self.store), Journal("sync") as journal:
            try:
                result = self._run(force, journal)
            except MirrorError as error:
                SyncState.objects.filter(pk=SyncState.load().pk).update(last_error=str(error))
                self._report(error=str(error))
                raise
            self._report()
            return result

    def _check_window(self) -> None:
        """Outside the window nothing starts, and a running sync stops between
        files (what arrived stays; the next window continues from there)."""
        if self.force:
            return
        window = (SyncState.load().policy or {}).get("window") or mirror_settings.WINDOW
        if not in_window(window, timezone.localtime().time()):
            raise OutsideWindowError(
                f"นอกช่วงเวลาซิงก์ ({window})", f"outside the sync window ({window})"
            )

    def _run(self, force: bool, journal: SyncJournal) -> SyncResult:
        self.force = force
        self._check_window()
        state = SyncState.load()
        self.stage_feed(state)
        state.refresh_from_db()
        max_height = int(state.policy.get("max_rendition_height") or 0)
        kbps = state.policy.get("bandwidth_kbps")
        if kbps and not mirror_settings.BANDWIDTH_KBPS:
            self.client.set_bandwidth(int(kbps))
        result = self.fetch_files(max_height)
        journal.bytes_moved, journal.files_moved = result.bytes_fetched, result.files_fetched
        result.entries_applied = apply_staged(
            self.store, max_height, state.staged_until, state.full_resync
        )
        journal.entries_applied = result.entries_applied
        collect_garbage(self.store, max_height)
        result.version = SyncState.load().applied_version
        return result

    def stage_feed(self, state: SyncState) -> None:
        from .client import central_public_key

        if state.staging_complete:
            return
        public_key = central_public_key()
        since = max(state.staged_until, state.applied_version)
        first = True
        while True:
            page = self.client.feed(since, refresh=first)
            stage_entries(page["entries"], public_key)
            if first and page.get("full"):
                state.full_resync = True  # a snapshot: forget what it does not name
            state.staged_until = page["until"]
            state.central_version = page["latest"]
            state.policy = page.get("policy") or {}
            state.save()
            since = page["until"]
            first = False
            if not page["more"]:
                break
        state.staging_complete = True
        state.save()

    def fetch_files(self, max_height: int) -> SyncResult:
        result = SyncResult()
        started = time.monotonic()
        files = needed_files(max_height)
        missing = self.store.missing(files)
        remaining = pending_bytes(self.store, files)
        self.store.ensure_room(remaining)
        bar = self.progress(remaining, "files") if self.progress and remaining else None
        for sha in missing:
            self._check_window()
            try:
                moved = self.client.download(
                    sha, int(files[sha]["size"]), self.store,
                    on_bytes=bar.advance if bar else None,
                )  # fmt: skip
            except FileGoneError:
                # Central no longer has it: the staged feed is stale, so ask again
                # next time (partial files stay for whatever is still wanted).
                reset_staging()
                raise
            result.files_fetched += 1
            result.bytes_fetched += moved
        if bar:
            bar.finish()
        result.fetch_seconds = time.monotonic() - started
        return result

    def _report(self, error: str = "") -> None:
        """Tell central how this mirror stands; silent when central is unreachable."""
        try:
            self.client.report(mirror_status(self.store, error))
        except MirrorError:
            pass


def mirror_status(store: FileStore, error: str = "") -> dict[str, Any]:
    from .push import results_pending

    state = SyncState.load()
    max_height = int((state.policy or {}).get("max_rendition_height") or 0)
    return {
        "applied_version": state.applied_version,
        "disk_free": store.available_bytes(),
        "bytes_pending": pending_bytes(store, needed_files(max_height)),
        "results_pending": results_pending(),
        "error": error,
    }
