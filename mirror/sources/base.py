"""The contract between an app and the mirror.

A *source* turns an app's records into a stable JSON shape on central
(``records``) and turns that shape back into rows on a mirror (``apply``,
``delete``), always inside the one transaction that makes a sync visible. Files
a record needs are named by sha256 (``FileRef``); the mirror fetches them before
the transaction starts, so ``apply`` may rely on ``store.path_for(sha)``.

``Record.scope`` says which mirrors want the record (all keys optional):
    {"schools": [codes],          only these schools (e.g. a school's users)
     "subjects": [codes],         subject groups, matched against the mirror's
     "grades": [codes],           grade levels, matched against the mirror's
     "assigned_schools": [codes]} schools a teacher assigned it to: always sent
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FileRef:
    """A file a record needs. ``height`` marks a video rendition (selective sync
    drops renditions taller than the mirror keeps); ``optional`` ones may be absent."""

    sha: str
    size: int
    role: str = "file"
    height: int | None = None
    optional: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sha": self.sha, "size": self.size, "role": self.role}
        if self.height is not None:
            data["height"] = self.height
        if self.optional:
            data["optional"] = True
        return data


@dataclass
class Record:
    key: str
    payload: dict[str, Any]
    files: list[FileRef] = field(default_factory=list)
    scope: dict[str, list[str]] = field(default_factory=dict)


class SyncSource:
    """Base class; subclasses set ``name`` and ``order`` and implement the methods.

    ``order`` sets apply order: lower first for upserts (vocabulary before the
    users and pages that point at it), reverse order for deletes.
    """

    name: str = ""
    order: int = 100
    # The usage-event object type of this source's records, keyed like them
    # (e.g. "media_center.mediaitem"): on a full disk, what students opened
    # most comes first.
    usage_object_type: str = ""

    def records(self) -> Iterable[Record]:
        """Central: every record mirrors may need, now."""
        raise NotImplementedError

    def apply(self, key: str, payload: dict[str, Any], files: list[dict], store) -> None:
        """Mirror: create or update one record (inside the sync transaction)."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Mirror: remove one record (inside the sync transaction)."""
        raise NotImplementedError

    def apply_batch(self, upserts: list[dict], store) -> None:
        """Mirror: apply this source's upserts of one sync; override to reorder."""
        for entry in upserts:
            self.apply(entry["key"], entry["payload"], entry["files"], store)

    def delete_batch(self, keys: list[str]) -> None:
        for key in keys:
            self.delete(key)

    def priority(self, entry: dict) -> float:
        """Mirror: how soon this record's files are wanted when the disk cannot
        hold everything (higher first; e.g. this term's lessons, what students
        open most). Records of equal priority go smaller first."""
        return 0.0


_REGISTRY: dict[str, SyncSource] = {}


def register_source(source: SyncSource) -> SyncSource:
    """Add a source (idempotent by name); apps call this from AppConfig.ready."""
    if not source.name:
        raise ValueError("a sync source needs a name")
    _REGISTRY[source.name] = source
    return source


def get_sources() -> list[SyncSource]:
    return sorted(_REGISTRY.values(), key=lambda source: (source.order, source.name))


def get_source(name: str) -> SyncSource | None:
    return _REGISTRY.get(name)


def scope_matches(
    scope: dict[str, list[str]], school: str, subjects: set[str], grades: set[str]
) -> bool:
    """Does a mirror of ``school`` teaching ``subjects``/``grades`` want a record?

    Empty mirror selections mean "everything"; an empty scope list means the
    record is not limited on that axis. Teacher assignments always win.
    """
    schools = scope.get("schools") or []
    if schools and school not in schools:
        return False
    if school in (scope.get("assigned_schools") or []):
        return True
    wanted_subjects = set(scope.get("subjects") or [])
    if wanted_subjects and subjects and not wanted_subjects & subjects:
        return False
    wanted_grades = set(scope.get("grades") or [])
    if wanted_grades and grades and not wanted_grades & grades:
        return False
    return True


def wanted_files(files: list[dict], max_height: int, originals: bool | None = None) -> list[dict]:
    """The files a mirror keeps: renditions taller than ``max_height`` are dropped,
    except that a record always keeps its smallest rendition (something must play).
    Uploads as they came (role "original") follow the ceiling too, unless
    ``originals`` says always (True) or never (False)."""
    if originals is False:
        files = [ref for ref in files if ref.get("role") != "original"]
    if not max_height:
        return list(files)
    heights = [ref["height"] for ref in files if ref.get("height")]
    floor = min(heights) if heights else 0
    return [
        ref
        for ref in files
        if not ref.get("height")
        or ref["height"] <= max(max_height, floor)
        or (originals and ref.get("role") == "original")
    ]


def policy_files(files: list[dict], policy: dict[str, Any] | None) -> list[dict]:
    """``wanted_files`` under a mirror's policy: its rendition ceiling, and
    whether it keeps originals (a policy that does not say follows the ceiling,
    as central's feed does)."""
    policy = policy or {}
    return wanted_files(
        files, int(policy.get("max_rendition_height") or 0), originals=policy.get("originals")
    )


def reset_sequences(*models) -> None:
    """After rows were inserted with central's ids: move PostgreSQL's id sequences
    past them, so a row the mirror creates itself never collides (SQLite needs
    nothing: it numbers after the largest id)."""
    from django.core.management.color import no_style
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
