"""Central's change feed: versioned, signed per entry, selective per mirror.

``refresh_feed`` compares what every source holds now with the feed and gives a
new version to each record that changed (or disappeared). ``feed_page`` answers
one mirror: the entries after its version that its school wants; entries it no
longer wants come as small signed "forget" entries (key hashed: other schools'
usernames never leave central).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import connection, transaction
from django.db.models import Max

from .conf import mirror_settings
from .models import ChangeEntry, Mirror
from .signing import canonical_json, own_private_key, sign
from .sources.base import get_sources, scope_matches

FORGET = "forget"


def key_hash(source: str, key: str) -> str:
    return hashlib.sha256(f"{source}\n{key}".encode()).hexdigest()


def record_digest(payload: dict, files: list[dict], scope: dict) -> str:
    return hashlib.sha256(canonical_json([payload, files, scope])).hexdigest()


def signed_body(entry: dict[str, Any]) -> bytes:
    """The bytes an entry's signature covers (everything but the signature)."""
    return canonical_json({k: v for k, v in entry.items() if k != "signature"})


def entry_dict(row: ChangeEntry) -> dict[str, Any]:
    return {
        "version": row.version,
        "source": row.source,
        "key": row.key,
        "action": row.action,
        "payload": row.payload,
        "files": row.files,
        "scope": row.scope,
        "signature": row.signature,
    }


def _sign_entry(entry: dict[str, Any]) -> str:
    return sign(own_private_key(), signed_body(entry))


FEED_LOCK = 0x6B686C616E67  # "khlang": the advisory lock that serialises refreshes


def _lock_feed() -> None:
    """Versions must be handed out one writer at a time. PostgreSQL: an advisory
    lock held to the end of the transaction; SQLite's IMMEDIATE transactions
    already hold the database's write lock from BEGIN."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FEED_LOCK])


@transaction.atomic
def refresh_feed() -> int:
    """Bring the feed up to date with every source; returns how many entries changed."""
    _lock_feed()
    existing = {
        (row["source"], row["key"]): row
        for row in ChangeEntry.objects.values("source", "key", "digest", "action", "scope")
    }
    next_version = (ChangeEntry.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    changed = 0
    seen: set[tuple[str, str]] = set()

    def write(source: str, key: str, action: str, payload, files, scope, digest) -> None:
        nonlocal next_version, changed
        old = existing.get((source, key))
        entry = {
            "version": next_version,
            "source": source,
            "key": key,
            "action": action,
            "payload": payload,
            "files": files,
            "scope": scope,
        }
        ChangeEntry.objects.update_or_create(
            source=source,
            key=key,
            defaults={
                "version": next_version,
                "action": action,
                "digest": digest,
                "payload": payload,
                "files": files,
                "scope": scope,
                "previous_scope": old["scope"] if old else None,
                "signature": _sign_entry(entry),
                "signed_scope": True,
            },
        )
        next_version += 1
        changed += 1

    for source in get_sources():
        for record in source.records():
            files = [ref.as_dict() for ref in record.files]
            digest = record_digest(record.payload, files, record.scope)
            seen.add((source.name, record.key))
            old = existing.get((source.name, record.key))
            if old and old["digest"] == digest and old["action"] == ChangeEntry.UPSERT:
                continue
            write(
                source.name,
                record.key,
                ChangeEntry.UPSERT,
                record.payload,
                files,
                record.scope,
                digest,
            )
    for (source, key), old in existing.items():
        if (source, key) not in seen and old["action"] != ChangeEntry.DELETE:
            write(source, key, ChangeEntry.DELETE, {}, [], old["scope"], "deleted")
    _sign_scopes()
    return changed


def _sign_scopes() -> None:
    """Sign again, at their own versions, rows signed before entries carried
    their scope (a mirror checks a bundle's entries against its profile by it)."""
    for row in ChangeEntry.objects.filter(signed_scope=False).iterator(chunk_size=500):
        row.signature = _sign_entry({k: v for k, v in entry_dict(row).items() if k != "signature"})
        row.signed_scope = True
        row.save(update_fields=["signature", "signed_scope"])


def latest_version() -> int:
    return ChangeEntry.objects.aggregate(top=Max("version"))["top"] or 0


def mirror_selection(mirror: Mirror) -> tuple[str, set[str], set[str]]:
    subjects = set(mirror.subject_groups.values_list("code", flat=True))
    grades = set(mirror.grade_levels.values_list("code", flat=True))
    return mirror.school.code, subjects, grades


def mirror_policy(mirror: Mirror) -> dict[str, Any]:
    """What a mirror keeps and when it syncs: its profile, sent with every feed
    page and written into the school's USB bundles."""
    school, subjects, grades = mirror_selection(mirror)
    return {
        "school": school,
        "subjects": sorted(subjects),
        "grades": sorted(grades),
        "max_rendition_height": mirror.max_rendition_height,
        "bandwidth_kbps": mirror.bandwidth_kbps,
        "window": mirror.window,
    }


def feed_page(mirror: Mirror, since: int, limit: int | None = None) -> dict[str, Any]:
    """Up to ``limit`` entries after ``since`` for ``mirror``.

    ``since == 0`` is a full snapshot: only wanted, live entries, and the mirror
    forgets anything it holds that the snapshot did not name (``full``).
    """
    limit = limit or int(mirror_settings.FEED_PAGE_SIZE)
    school, subjects, grades = mirror_selection(mirror)
    full = since == 0
    rows = ChangeEntry.objects.filter(version__gt=since).order_by("version")
    entries: list[dict[str, Any]] = []
    last = since
    scanned = 0
    for row in rows.iterator(chunk_size=500):
        scanned += 1
        last = row.version
        wanted = scope_matches(row.scope, school, subjects, grades)
        if wanted and not (full and row.action == ChangeEntry.DELETE):
            entries.append(entry_dict(row))
        elif not full and row.previous_scope is not None:
            if scope_matches(row.previous_scope, school, subjects, grades):
                entries.append(forget_entry(row))
        if len(entries) >= limit:
            break
    top = latest_version()
    return {
        "mirror": mirror.mirror_id,
        "since": since,
        "until": last,
        "latest": top,
        "more": last < top and scanned > 0,
        "full": full,
        "policy": mirror_policy(mirror),
        "entries": entries,
    }


def forget_entry(row: ChangeEntry) -> dict[str, Any]:
    entry = {
        "version": row.version,
        "source": row.source,
        "key_hash": key_hash(row.source, row.key),
        "action": FORGET,
    }
    entry["signature"] = _sign_entry(entry)
    return entry


def full_export(profile: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every entry a school's profile wants (None: all content, no accounts), for
    a USB bundle. Deletions travel too, as tombstones with their versions, so a
    mirror that imports the bundle never keeps or revives what was withdrawn."""
    entries = []
    for row in ChangeEntry.objects.order_by("version"):
        if profile is None:
            if row.scope.get("schools"):
                continue  # user accounts go only in a school's own bundle
        elif not scope_matches(
            row.scope, profile["school"], set(profile["subjects"]), set(profile["grades"])
        ):
            continue
        entries.append(entry_dict(row))
    return entries


def school_profile(school_code: str, originals: bool = False) -> dict[str, Any]:
    """The profile of a school's registered mirror: its selection and ceiling.
    A school with no mirror yet gets its own accounts and every subject."""
    mirror = Mirror.objects.select_related("school").filter(school__code=school_code).first()
    if mirror is not None:
        profile = mirror_policy(mirror)
    else:
        profile = {"school": school_code, "subjects": [], "grades": [], "max_rendition_height": 0}
    profile["originals"] = originals
    return profile


@transaction.atomic
def collect_central_garbage() -> int:
    """Central: delete stored files no feed entry names any more (old versions);
    returns how many. A mirror still asking for one gets a 404 and re-reads the
    feed. Runs under the feed lock, so a refresh never loses a file it just stored."""
    from .models import CentralFile
    from .store import FileStore

    _lock_feed()
    wanted: set[str] = set()
    for files in ChangeEntry.objects.exclude(action=ChangeEntry.DELETE).values_list(
        "files", flat=True
    ):
        wanted.update(ref["sha"] for ref in files)
    store = FileStore()
    removed = [sha for sha in store.shas() if sha not in wanted]
    for sha in removed:
        store.remove(sha)
    CentralFile.objects.filter(sha__in=removed).delete()
    return len(removed)
