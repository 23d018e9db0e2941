"""Live sessions on school mirrors: the sessions down, attendance up.

Down, ``live.session`` (order 90: after schools, vocabulary, media items and
the course pages a session names). One record per session, keyed by central's
id (the mirror keeps it, so /live/<id>/ and the attendance going up name the
same session on both sides). Scope: a school's own sessions go to that
school's mirror only, area and public sessions to every mirror
(the relay answers the same sessions: live_session_policy.visible_to_school).
The payload is
what a viewer's page shows and nothing else: never the stream key, the ingest
port or the messages meant for the teacher. The course travels by its page's
translation key (pages may have other ids on a mirror), the recording by its
media item's id (items keep central's ids; the item itself comes through its
own source, usually a switch later, when its files are here). A change of
state changes the payload, so the next feed refresh (at every mirror's sync,
and by the beat) gives it a new version; between syncs a mirror asks central's
state answer (live.api) and moves its copy forward (``actions.follow_central``).

Up, the ``live_attendance`` result kind. Rule: **one row per (session,
viewer), merged by keeping the larger seconds**: a mirror's row is the total
that viewer watched through that mirror, so the larger figure is the truer,
and a batch sent twice, or late, changes nothing. The first school named
stays; the earliest first sighting and the latest last sighting are kept.
A row for a session or a viewer central does not know (deleted since) is
skipped, so it never blocks the rest.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.dateparse import parse_datetime

from core.i18n import bilingual
from core.models import GradeLevel, School, SubjectGroup, User
from lms.models import CoursePage
from media_center.models import MediaItem
from mirror.results import SnapshotResultKind
from mirror.sources import Record, SyncSource, reset_sequences

from . import actions
from .models import Audience, LiveAttendance, LiveSession, State

FIELDS = ["title", "description", "audience", "state"]
TIMES = ["starts_at", "ends_at", "went_live_at", "ended_at"]


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _time(text):
    return parse_datetime(str(text)) if text else None


def session_scope(session: LiveSession) -> dict[str, list[str]] | None:
    """Which mirrors receive a session (None: none does)."""
    if session.audience in (Audience.AREA, Audience.PUBLIC):
        return {}
    if session.school is None:
        return None  # the studio's, for no school in particular
    return {"schools": [session.school.code]}


def session_payload(session: LiveSession) -> dict[str, Any]:
    payload: dict[str, Any] = {name: getattr(session, name) for name in FIELDS}
    payload.update({name: _iso(getattr(session, name)) for name in TIMES})
    payload["school"] = session.school.code if session.school else None
    payload["subject_group"] = session.subject_group.code if session.subject_group else None
    payload["grade_level"] = session.grade_level.code if session.grade_level else None
    payload["course"] = str(session.course.translation_key) if session.course else None
    payload["recording"] = session.recording_id
    return payload


class LiveSessionSource(SyncSource):
    name = "live.session"
    order = 90

    def records(self) -> Iterable[Record]:
        sessions = LiveSession.objects.select_related(
            "school", "subject_group", "grade_level", "course"
        ).order_by("pk")
        for session in sessions:
            scope = session_scope(session)
            if scope is not None:
                yield Record(str(session.pk), session_payload(session), scope=scope)

    def apply_batch(self, upserts: list[dict], store) -> None:
        super().apply_batch(upserts, store)
        reset_sequences(LiveSession)

    def apply(self, key, payload, files, store) -> None:
        session = LiveSession.objects.filter(pk=key).first() or LiveSession(pk=int(key))
        known = None if session._state.adding else session.state
        for name in FIELDS:
            setattr(session, name, payload[name])
        for name in TIMES:
            setattr(session, name, _time(payload[name]))
        if known is not None:  # central's state answer may have moved it on already
            session.state = actions.later_state(known, payload["state"])
        session.school = School.objects.filter(code=payload["school"]).first()
        session.subject_group = SubjectGroup.objects.filter(code=payload["subject_group"]).first()
        session.grade_level = GradeLevel.objects.filter(code=payload["grade_level"]).first()
        course = payload["course"]
        session.course = (
            CoursePage.objects.filter(translation_key=course).first() if course else None
        )
        # Linked once its media item is here; until then live.sources finds the
        # id in the record this mirror holds (mirror.sources.held_payload).
        recording = payload["recording"]
        here = bool(recording) and MediaItem.objects.filter(pk=recording).exists()
        session.recording_id = recording if here else None
        session.save()
        if session.state in (State.ENDED, State.RECORDED):
            transaction.on_commit(lambda: _forget_relay(int(key)))

    def delete(self, key: str) -> None:
        LiveSession.objects.filter(pk=key).delete()
        transaction.on_commit(lambda: _forget_relay(int(key)))


def _forget_relay(session_id: int) -> None:
    """A finished or withdrawn session's relayed copy on this mirror goes."""
    shutil.rmtree(actions.session_dir(session_id), ignore_errors=True)


def merge_attendance(current: dict[str, Any] | None, incoming: dict[str, Any]) -> dict[str, Any]:
    """Two attendance states merged (see the module's rule): idempotent, and in
    seconds and times commutative and associative, so repeats and the order of
    batches change no figure; the school is the first one named."""
    if current is None:
        return dict(incoming)
    firsts = [t for t in (current.get("first_seen"), incoming.get("first_seen")) if t]
    lasts = [t for t in (current.get("last_seen"), incoming.get("last_seen")) if t]
    return {
        "seconds": max(float(current.get("seconds") or 0), float(incoming.get("seconds") or 0)),
        "school_id": current.get("school_id") or incoming.get("school_id"),
        "first_seen": min(firsts) if firsts else None,
        "last_seen": max(lasts) if lasts else None,
    }


class AttendanceKind(SnapshotResultKind):
    name = "live_attendance"
    rule = "one row per session and viewer; the larger seconds stay, the first school"

    def row_key(self, row: dict[str, Any]) -> str:
        return f"{row['session']}|{row['username']}"

    def records(self) -> Iterable[dict[str, Any]]:
        rows = LiveAttendance.objects.select_related("user", "school").order_by("pk")
        for row in rows.iterator(chunk_size=1000):
            yield {
                "session": row.session_id,
                "username": row.user.username,
                "school": row.school.code if row.school else None,
                "seconds": row.seconds,
                "first_seen": _iso(row.first_seen),
                "last_seen": _iso(row.last_seen),
            }

    def validate(self, rows: list[Any]) -> list[str]:
        errors = []
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                errors.append(bilingual("row %(row)s: not an object", row=index))
                continue
            if not str(row.get("session", "")).isdigit() or not row.get("username"):
                errors.append(bilingual("row %(row)s: session or username missing", row=index))
            try:
                seconds = float(row.get("seconds"))
                if not math.isfinite(seconds) or seconds < 0:
                    raise ValueError
            except (TypeError, ValueError):
                errors.append(bilingual("row %(row)s: seconds must be a number", row=index))
            for name in ("first_seen", "last_seen"):
                if row.get(name) and not _time(row[name]):
                    errors.append(
                        bilingual("row %(row)s: bad time in %(field)s", row=index, field=name)
                    )
        return errors

    def accept(self, rows: list[dict[str, Any]], mirror) -> dict[str, Any]:
        errors = self.validate(rows)
        if errors:
            return {"accepted": 0, "duplicates": 0, "errors": errors}
        sessions = set(
            LiveSession.objects.filter(pk__in={int(r["session"]) for r in rows}).values_list(
                "pk", flat=True
            )
        )
        users = dict(
            User.objects.filter(username__in={r["username"] for r in rows}).values_list(
                "username", "pk"
            )
        )
        schools = dict(
            School.objects.filter(code__in={r["school"] for r in rows if r.get("school")})
            .values_list("code", "pk")
        )  # fmt: skip
        changed = skipped = 0
        with transaction.atomic():
            for row in rows:
                session_id, user_id = int(row["session"]), users.get(row["username"])
                if session_id not in sessions or user_id is None:
                    skipped += 1
                    continue
                incoming = {
                    "seconds": float(row["seconds"]),
                    "school_id": schools.get(row.get("school")) or mirror.school_id,
                    "first_seen": _time(row.get("first_seen")),
                    "last_seen": _time(row.get("last_seen")),
                }
                changed += merge_into_central(session_id, user_id, incoming)
        return {"accepted": changed, "duplicates": len(rows) - changed - skipped,
                "skipped": skipped}  # fmt: skip


def merge_into_central(session_id: int, user_id: int, incoming: dict[str, Any]) -> int:
    """Merge one viewer's row into central's; 1 when central's row changed."""
    rows = LiveAttendance.objects.select_for_update().filter(session_id=session_id, user_id=user_id)
    found = rows.values("seconds", "school_id", "first_seen", "last_seen").first()
    merged = merge_attendance(found, incoming)
    if found is not None and merged == found:
        return 0
    if found is None:
        LiveAttendance.objects.create(
            session_id=session_id, user_id=user_id, school_id=merged["school_id"]
        )
    # update(): first_seen and last_seen are the viewer's, not the time of this push.
    fields = {k: v for k, v in merged.items() if v is not None or k == "school_id"}
    LiveAttendance.objects.filter(session_id=session_id, user_id=user_id).update(**fields)
    return 1
