"""Results going up, mirror → central: a registry of result kinds and their rules.

Delivery is at least once: a mirror sends a batch, and only when central answers
does it move its cursor; a lost answer means the batch goes again. So central
must make a repeat harmless, and each kind writes down how:

  usage_event   UsageEvent rows (views, watch time, completions, attempts as
                usage). Append-only, idempotent by ``event_id`` (deterministic
                from the recording key where there is one, else a UUID fixed
                when the mirror stored the row): a repeat is ignored.
  progress      (lms/mirror_sources.py) one row per learner and lesson, named
                by username and the lesson's translation key: merged by
                maximum, field by field (``merge_progress``), so order and
                repeats do not matter and nothing goes backwards.
  attempt       (exambank/mirror_sources.py) quiz attempts and their answers:
                append-only, keyed by a deterministic attempt id (uuid5 of the
                mirror id and the local id); a repeat is ignored, an attempt is
                never changed after arrival.

Kinds whose rows change or become ready out of order derive from
``SnapshotResultKind`` (sent by comparing with what central acknowledged,
not by an id cursor).

Users travel by username and schools by code, because ids differ between
central and a mirror; objects (pages, media) keep central's ids on mirrors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from .errors import both


def row_error(message: str, index: int, **params: Any) -> str:
    """A bad row's message, Thai then English, naming the row (from 1)."""
    thai, english = both(message, row=index + 1, **params)
    return f"{thai} / {english}"


class ResultKind:
    """Base class: ``collect`` on the mirror, ``accept`` on central."""

    name: str = ""
    rule: str = ""

    def collect(self, after: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Rows recorded after cursor ``after``, at most ``limit``, and the new cursor."""
        raise NotImplementedError

    def pending(self, after: int) -> int:
        raise NotImplementedError

    def accept(self, rows: list[dict[str, Any]], mirror) -> dict[str, Any]:
        """Store a batch idempotently; returns counts (and ``errors`` if refused)."""
        raise NotImplementedError

    def acknowledge(self, rows: list[dict[str, Any]]) -> None:
        """Mirror: central has answered for ``rows`` (kinds with a cursor need nothing)."""


class SnapshotResultKind(ResultKind):
    """A kind whose records are found by comparing, not by a cursor.

    ``records()`` yields every row that may need to go up; a row goes when
    central has not yet acknowledged its key, or (unless ``append_only``) has
    acknowledged a different state of it (by digest). After central answers,
    ``acknowledge`` stores key and digest (``mirror.models.AcknowledgedResult``,
    one row per record). So a row changed in any way, or submitted after later
    ones, is still sent, a lost answer only sends the batch again, and the
    memo stays as large as the records themselves.
    """

    append_only = False

    def records(self) -> Iterable[dict[str, Any]]:
        raise NotImplementedError

    def row_key(self, row: dict[str, Any]) -> str:
        raise NotImplementedError

    def _unsent(self) -> Iterable[dict[str, Any]]:
        from .models import AcknowledgedResult

        acknowledged = dict(
            AcknowledgedResult.objects.filter(kind=self.name).values_list("key", "digest")
        )
        for row in self.records():
            known = acknowledged.get(self.row_key(row))
            if known is None or (not self.append_only and known != row_digest(row)):
                yield row

    def pending(self, after: int) -> int:
        return sum(1 for _ in self._unsent())

    def collect(self, after: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        rows = []
        for row in self._unsent():
            rows.append(row)
            if len(rows) >= limit:
                break
        return rows, after

    def acknowledge(self, rows: list[dict[str, Any]]) -> None:
        from .models import AcknowledgedResult

        for row in rows:
            AcknowledgedResult.objects.update_or_create(
                kind=self.name, key=self.row_key(row), defaults={"digest": row_digest(row)}
            )


def row_digest(row: dict[str, Any]) -> str:
    """A stable digest of a row's JSON (keys sorted), to tell a changed state."""
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


_KINDS: dict[str, ResultKind] = {}


def register_result_kind(kind: ResultKind) -> ResultKind:
    _KINDS[kind.name] = kind
    return kind


def get_result_kind(name: str) -> ResultKind | None:
    return _KINDS.get(name)


def get_result_kinds() -> list[ResultKind]:
    return [_KINDS[name] for name in sorted(_KINDS)]


def merge_by_maximum(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """Progress merge: each field takes the larger value (True beats False, later
    times beat earlier), so merging in any order, any number of times, agrees."""
    merged = dict(current)
    for name, value in incoming.items():
        old = merged.get(name)
        if old is None or (value is not None and value > old):
            merged[name] = value
    return merged


class UsageEventKind(ResultKind):
    name = "usage_event"
    rule = "append-only; idempotent by event_id"
    required = ["event_id", "time", "service", "action"]

    def _rows(self, after: int):
        from core.models import UsageEvent

        return UsageEvent.objects.filter(pk__gt=after).order_by("pk")

    def pending(self, after: int) -> int:
        return self._rows(after).count()

    def collect(self, after: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        from core.models import School, User

        events = list(self._rows(after)[:limit])
        usernames = dict(
            User.objects.filter(pk__in={e.user_id for e in events if e.user_id}).values_list(
                "pk", "username"
            )
        )
        schools = dict(
            School.objects.filter(pk__in={e.school_id for e in events if e.school_id}).values_list(
                "pk", "code"
            )
        )
        rows = [
            {
                "event_id": str(e.event_id),
                "time": e.time.isoformat(),
                "service": e.service,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "username": usernames.get(e.user_id),
                "school": schools.get(e.school_id),
                "seconds": e.seconds,
                "value": e.value,
            }
            for e in events
        ]
        return rows, (events[-1].pk if events else after)

    def validate(self, rows: Iterable[dict[str, Any]]) -> list[str]:
        errors = []
        for index, row in enumerate(rows):
            for field in self.required:
                if not isinstance(row, dict) or not row.get(field):
                    errors.append(
                        row_error(
                            gettext_noop("row %(row)s: %(field)s missing"), index, field=field
                        )
                    )
            if isinstance(row, dict) and row.get("time") and not _parse_time(row["time"]):
                errors.append(
                    row_error(
                        gettext_noop("row %(row)s: bad time %(time)s"),
                        index,
                        time=repr(row["time"]),
                    )
                )
            if isinstance(row, dict) and row.get("event_id"):
                try:
                    uuid.UUID(str(row["event_id"]))
                except ValueError:
                    errors.append(
                        row_error(gettext_noop("row %(row)s: event_id is not a UUID"), index)
                    )
        return errors

    def accept(self, rows: list[dict[str, Any]], mirror) -> dict[str, Any]:
        from core.models import School, UsageEvent, User

        errors = self.validate(rows)
        if errors:
            return {"accepted": 0, "duplicates": 0, "errors": errors}
        ids = [uuid.UUID(str(row["event_id"])) for row in rows]
        users = dict(
            User.objects.filter(username__in={r["username"] for r in rows if r.get("username")})
            .values_list("username", "pk")
        )  # fmt: skip
        schools = dict(
            School.objects.filter(code__in={r["school"] for r in rows if r.get("school")})
            .values_list("code", "pk")
        )  # fmt: skip
        with transaction.atomic():
            known = set(
                UsageEvent.objects.filter(event_id__in=ids).values_list("event_id", flat=True)
            )
            fresh = []
            for event_id, row in zip(ids, rows, strict=True):
                if event_id in known:
                    continue
                known.add(event_id)
                fresh.append(
                    UsageEvent(
                        event_id=event_id,
                        time=_parse_time(row["time"]),
                        service=row["service"],
                        action=row["action"],
                        object_type=row.get("object_type") or "",
                        object_id=str(row.get("object_id") or ""),
                        user_id=users.get(row.get("username")),
                        school_id=schools.get(row.get("school"), mirror.school_id),
                        site=mirror.mirror_id,
                        seconds=float(row.get("seconds") or 0),
                        value=row.get("value"),
                    )
                )
            UsageEvent.objects.bulk_create(fresh, ignore_conflicts=True)
        return {"accepted": len(fresh), "duplicates": len(rows) - len(fresh)}


def _parse_time(text: str) -> dt.datetime | None:
    try:
        return parse_datetime(str(text))
    except ValueError:
        return None


register_result_kind(UsageEventKind())
