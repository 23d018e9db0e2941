"""The mirror's side of content sync: stage the feed, fetch files, switch at once.

Why this module is long: staging, fetching and switching share one journal and one
transaction boundary; split apart, the reader would lose the order that keeps a sync atomic.

    SyncManager().run()

1. Stage: feed pages after the applied version are fetched, their signatures
   checked, and kept as ``StagedEntry`` rows (an interrupted sync continues from
   the last staged page instead of asking again).
2. Fetch: files the staged entries need and the store lacks are downloaded with
   Range resume, after a disk check for everything still to come.
3. Switch (mirror/apply.py): records that need no file (accounts, passwords,
   text, deletions) are applied first; files then come in priority order and
   each record is applied once its files are here, in one transaction per
   switch, so students see all of a record or none of it. When the disk fills,
   what fits is applied and the rest waits, with a message that says how much
   is needed, how much is free and what was left for later.
4. Tidy: files no record needs and finished journals beyond the limit go.

Everything here works the same for a USB bundle (mirror/bundle.py), which
stages entries from a folder instead of from central.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from .apply import (
    apply_staged,
    collect_garbage,
    missing_files,
    needed_files,
    pending_bytes,
    stage_entries,
)
from .conf import mirror_settings
from .errors import DiskFullError, FileGoneError, MirrorError, OutsideWindowError
from .models import StagedEntry, SyncJournal, SyncState
from .sources.base import get_source
from .store import FileStore

__all__ = ["SyncManager", "Journal", "sync_lock", "apply_staged", "needed_files", "stage_entries"]

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
        raise MirrorError.pair(
            gettext_noop("bad sync window %(window)s (use HH:MM-HH:MM)"), window=repr(window)
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


def prune_journal() -> None:
    keep = int(mirror_settings.JOURNAL_KEEP)
    stale = list(SyncJournal.objects.order_by("-started_at", "-pk").values_list("pk", flat=True))
    SyncJournal.objects.filter(pk__in=stale[keep:]).delete()


class Journal:
    """A context for one run: a SyncJournal row that ends ok, partial or failed.

    Runs hold the sync lock, so a row still "running" when the next run starts
    belongs to a run that was killed: it is marked "interrupted" then."""

    def __init__(self, kind: str):
        # Sync and import share the lock; a push runs on its own.
        kinds = ["sync", "import"] if kind in ("sync", "import") else [kind]
        SyncJournal.objects.filter(status="running", kind__in=kinds).update(
            status="interrupted", finished_at=timezone.now()
        )
        self.row = SyncJournal.objects.create(kind=kind)

    def __enter__(self) -> SyncJournal:
        return self.row

    def __exit__(self, exc_type, exc, tb) -> None:
        self.row.finished_at = timezone.now()
        if exc is None:
            self.row.status = "ok"
        elif isinstance(exc, DiskFullError) and self.row.entries_applied:
            self.row.status = "partial"
        else:
            self.row.status = "failed"
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
            raise MirrorError.pair(gettext_noop("another sync or import is running")) from error
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
            raise OutsideWindowError.pair(
                gettext_noop("outside the sync window (%(window)s)"), window=window
            )

    def _run(self, force: bool, journal: SyncJournal) -> SyncResult:
        self.force = force
        self._check_window()
        state = SyncState.load()
        self.stage_feed(state)
        state.refresh_from_db()
        policy = state.policy or {}
        kbps = policy.get("bandwidth_kbps")
        if kbps and not mirror_settings.BANDWIDTH_KBPS:
            self.client.set_bandwidth(int(kbps))
        until, full = state.staged_until, state.full_resync
        # Deletions and records that need no file first: they free space and
        # never wait for a file (a password change, a new student, a text fix).
        applied, waiting = apply_staged(self.store, policy, until, full, ready_only=True)
        journal.entries_applied = applied
        collect_garbage(self.store, policy)
        result, left = self.fetch_files(policy, waiting)
        journal.bytes_moved, journal.files_moved = result.bytes_fetched, result.files_fetched
        applied, waiting = apply_staged(self.store, policy, until, False, ready_only=True)
        journal.entries_applied += applied
        result.entries_applied = journal.entries_applied
        collect_garbage(self.store, policy)
        result.version = SyncState.load().applied_version
        if waiting:
            left_bytes = pending_bytes(self.store, needed_files(policy))
            raise DiskFullError(
                left_bytes, self.store.available_bytes(), str(self.store.root),
                left=len(waiting), left_bytes=left_bytes,
            )  # fmt: skip
        return result

    def stage_feed(self, state: SyncState) -> None:
        """Stage feed pages from where staging stopped (a run cut mid-feed, or
        entries still waiting for room, continue; only newer pages are asked)."""
        from .client import central_public_key

        public_key = central_public_key()
        since = max(state.staged_until, state.applied_version)
        first, bar = True, None
        while True:
            page = self.client.feed(since, refresh=first)
            stage_entries(page["entries"], public_key)
            if first and page.get("full"):
                state.full_resync = True  # a snapshot: forget what it does not name
            if first and self.progress and page["latest"] > since:
                bar = self.progress(page["latest"] - since, "feed")
            if bar:
                bar.advance(max(page["until"] - since, 0))
            state.staged_until = page["until"]
            state.central_version = page["latest"]
            state.policy = page.get("policy") or {}
            state.save()
            since = page["until"]
            first = False
            if not page["more"]:
                break
        if bar:
            bar.finish()
        state.staging_complete = True
        state.save()

    def fetch_files(
        self, policy: dict[str, Any], waiting: list[dict[str, Any]]
    ) -> tuple[SyncResult, list[dict[str, Any]]]:
        """Fetch the files of waiting records, most wanted first; a record whose
        files do not fit in the room left waits for a later run. Returns the
        result and the records left for later."""
        result = SyncResult()
        started = time.monotonic()
        room = self.store.available_bytes()
        planned: dict[str, dict[str, Any]] = {}
        left: list[dict[str, Any]] = []
        for entry in by_priority(waiting, self.store, policy):
            lacking = {
                ref["sha"]: ref
                for ref in missing_files(entry, self.store, policy)
                if ref["sha"] not in planned
            }
            cost = pending_bytes(self.store, lacking)
            if cost > room:
                left.append(entry)
                continue
            room -= cost
            planned.update(lacking)
        total = pending_bytes(self.store, planned)
        bar = self.progress(total, "files") if self.progress and total else None
        try:
            self._download_all(planned, result, bar)
        except FileGoneError:
            # Central no longer has it: the staged feed is stale, so ask again
            # next time (partial files stay for whatever is still wanted).
            reset_staging()
            raise
        if bar:
            bar.finish()
        result.fetch_seconds = time.monotonic() - started
        return result, left

    def _download_all(self, files: dict[str, dict[str, Any]], result: SyncResult, bar) -> None:
        """Download with FETCH_PARALLEL requests in flight: over a long round trip
        (600 ms by satellite) one file's request waits while another's bytes
        fill the link. The window is checked before each file starts; a disk
        that fills meanwhile stops new files (what arrived stays)."""
        lock = threading.Lock()

        def advance(size: int) -> None:
            with lock:
                bar.advance(size)

        def fetch(sha: str) -> int:
            ref = files[sha]
            return self.client.download(
                sha, int(ref["size"]), self.store, on_bytes=advance if bar else None
            )

        queue = list(files)
        parallel = max(int(mirror_settings.FETCH_PARALLEL), 1)
        failure: BaseException | None = None
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            running: set[Future] = set()
            while queue or running:
                while queue and len(running) < parallel and failure is None:
                    try:
                        self._check_window()
                    except OutsideWindowError as error:
                        failure = error
                        break
                    running.add(pool.submit(fetch, queue.pop(0)))
                if not running:
                    break
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        moved = future.result()
                    except DiskFullError:
                        queue.clear()  # the disk filled meanwhile: the rest waits
                        continue
                    except MirrorError as error:
                        failure = failure or error
                        queue.clear()
                        continue
                    result.files_fetched += 1
                    result.bytes_fetched += moved
                if failure is not None:
                    queue.clear()
        if failure is not None:
            raise failure

    def _report(self, error: str = "") -> None:
        """Tell central how this mirror stands; silent when central is unreachable."""
        try:
            self.client.report(mirror_status(self.store, error))
        except MirrorError:
            pass


def mirror_status(store: FileStore, error: str = "") -> dict[str, Any]:
    from .push import results_pending

    state = SyncState.load()
    return {
        "applied_version": state.applied_version,
        "version": software_version(),
        "disk_free": store.available_bytes(),
        "bytes_pending": pending_bytes(store, needed_files(state.policy or {})),
        "results_pending": results_pending(),
        "error": error,
    }


def by_priority(
    entries: list[dict[str, Any]], store: FileStore, policy: dict[str, Any]
) -> list[dict[str, Any]]:
    """Records waiting for files, in the order their files are fetched: the
    source's own priority first (e.g. this term's lessons), then what students
    on this mirror opened most in the last weeks (sources that name their
    ``usage_object_type``), then smaller first, so a small disk holds as many
    usable records as it can."""
    opens = recent_opens(entries)

    def rank(entry: dict[str, Any]) -> tuple[float, int, int, int]:
        source = get_source(entry["source"])
        wanted = source.priority(entry) if source is not None else 0
        size = sum(int(ref["size"]) for ref in missing_files(entry, store, policy))
        return (-wanted, -opens.get((entry["source"], entry["key"]), 0), size, entry["version"])

    return sorted(entries, key=rank)


def recent_opens(entries: list[dict[str, Any]], days: int = 28) -> dict[tuple[str, str], int]:
    """(source, key) → usage events recorded on this mirror for the record's
    object in the last ``days`` (one grouped query per kind of object)."""
    from django.db.models import Count

    from core.models import UsageEvent

    since = timezone.now() - dt.timedelta(days=days)
    counts: dict[tuple[str, str], int] = {}
    by_source: dict[str, list[str]] = {}
    for entry in entries:
        by_source.setdefault(entry["source"], []).append(entry["key"])
    for name, keys in by_source.items():
        source = get_source(name)
        object_type = getattr(source, "usage_object_type", "") if source else ""
        if not object_type:
            continue
        rows = (
            UsageEvent.objects.filter(object_type=object_type, object_id__in=keys, time__gte=since)
            .values("object_id")
            .annotate(opens=Count("pk"))
        )
        for row in rows:
            counts[(name, row["object_id"])] = row["opens"]
    return counts


def software_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("khlang")
    except PackageNotFoundError:
        return ""
