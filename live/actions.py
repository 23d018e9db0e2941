"""State changes of live sessions, by name: open the ingest, go live, end, record.

The ingest's supervisor (live.ingest) and the admin call these; nothing else
saves a session's state.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.i18n import bilingual

from .conf import live_settings
from .models import LiveSession, State, new_stream_key

NOBODY_CAME = gettext_noop("Nobody went live: the session ended on schedule.")
PUBLISHER_GONE = gettext_noop(
    "The publisher was gone for more than %(seconds)s seconds: the session ended."
)


STATE_ORDER = [State.SCHEDULED, State.LIVE, State.ENDED, State.RECORDED]


def later_state(current: str, incoming: str) -> str:
    """A session's state only moves forward; a mirror keeps the later of two."""
    return max(current, incoming, key=STATE_ORDER.index)


def follow_central(session_id: int, state: str, recording_id: int | None = None) -> bool:
    """A mirror's copy of a session takes the state central just answered (forward
    only), so its lists and start page know a class began or ended before the
    next sync brings the record. The recording is linked once its media item is
    on this mirror. True when the row changed."""
    from media_center.models import MediaItem

    earlier = STATE_ORDER[: STATE_ORDER.index(state)] if state in STATE_ORDER else []
    changed = LiveSession.objects.filter(pk=session_id, state__in=earlier).update(state=state)
    if recording_id and MediaItem.objects.filter(pk=recording_id).exists():
        changed += LiveSession.objects.filter(pk=session_id, recording__isnull=True).update(
            recording_id=recording_id
        )
    return bool(changed)


def session_dir(session_id: int) -> Path:
    return Path(live_settings.ROOT) / str(session_id)


def hls_dir(session_id: int) -> Path:
    return session_dir(session_id) / "hls"


def stream_ready(session_id: int) -> bool:
    """The master playlist and every rung's playlist are written: a player that
    starts now finds each rung it may switch to (a missing one is a fatal error)."""
    master = hls_dir(session_id) / "index.m3u8"
    if not master.exists():
        return False
    rungs = [line for line in master.read_text().splitlines() if line.endswith(".m3u8")]
    return all((master.parent / rung).exists() for rung in rungs)


def free_port(session: LiveSession) -> int:
    """The lowest listener port no other open session holds."""
    busy = set(
        LiveSession.objects.filter(
            Q(state=State.LIVE) | Q(state=State.SCHEDULED, ingest_opened_at__isnull=False)
        )
        .exclude(pk=session.pk)
        .exclude(ingest_port__isnull=True)
        .values_list("ingest_port", flat=True)
    )
    first = live_settings.PORT_FIRST
    for port in range(first, first + live_settings.PORT_COUNT):
        if port not in busy:
            return port
    raise RuntimeError("no free live ingest port")


def open_ingest(session: LiveSession) -> bool:
    """Give the session a port and start its supervisor, once. False if already open."""
    from .tasks import run_ingest_task

    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session.pk)
        if session.ingest_opened_at is not None or session.state != State.SCHEDULED:
            return False
        session.ingest_port = session.ingest_port or free_port(session)
        session.ingest_opened_at = timezone.now()
        session.save(update_fields=["ingest_port", "ingest_opened_at"])
        transaction.on_commit(lambda: run_ingest_task.delay(session.pk))
    return True


def mark_live(session_id: int) -> None:
    now = timezone.now()
    LiveSession.objects.filter(pk=session_id, went_live_at__isnull=True).update(went_live_at=now)
    LiveSession.objects.filter(pk=session_id, state__in=[State.SCHEDULED, State.LIVE]).update(
        state=State.LIVE, last_publish_at=now, error_message=""
    )


def note_publishing(session_id: int) -> None:
    LiveSession.objects.filter(pk=session_id).update(last_publish_at=timezone.now())


def refuse(session_id: int, message: str) -> None:
    """A publisher was turned away (wrong key, codec): the reason on the admin page."""
    LiveSession.objects.filter(pk=session_id).update(error_message=message)


def end_session(session_id: int, note: str = "") -> bool:
    """End a session: its key stops working; a session that went live is recorded."""
    from .tasks import make_recording_task

    with transaction.atomic():
        session = LiveSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or session.state in (State.ENDED, State.RECORDED):
            return False
        was_live = session.went_live_at is not None
        session.state = State.ENDED
        session.ended_at = timezone.now()
        session.stream_key = new_stream_key()  # the old key dies with the session
        if note:
            session.note = note
        elif not was_live:
            session.note = bilingual(NOBODY_CAME)
        session.save(update_fields=["state", "ended_at", "stream_key", "note"])
        if was_live:
            transaction.on_commit(lambda: make_recording_task.delay(session_id))
    return True


def end_due_sessions(now=None) -> list[int]:
    """Sessions past their end whose supervisor is not running any more (or never ran)."""
    now = now or timezone.now()
    grace = timezone.timedelta(seconds=live_settings.GRACE_SECONDS)
    ended = []
    for session in LiveSession.objects.filter(
        Q(state=State.SCHEDULED, ends_at__lt=now)
        | Q(state=State.LIVE, ends_at__lt=now - grace, last_publish_at__lt=now - grace)
    ):
        if end_session(session.pk):
            ended.append(session.pk)
    return ended


def open_due_ingests(now=None) -> list[int]:
    now = now or timezone.now()
    soon = now + timezone.timedelta(seconds=live_settings.OPEN_BEFORE_SECONDS)
    opened = []
    for session in LiveSession.objects.filter(
        state=State.SCHEDULED, ingest_opened_at__isnull=True, starts_at__lte=soon, ends_at__gt=now
    ):
        if open_ingest(session):
            opened.append(session.pk)
    return opened


def recording_parts(session_id: int) -> list[Path]:
    folder = session_dir(session_id) / "recording"
    return sorted(p for p in folder.glob("part-*.ts") if p.stat().st_size > 0)


def attach_recording(session_id: int, joined: Path) -> None:
    """The joined recording becomes a media item of the session's school, processed
    by the normal pipeline (probe, ladder, renditions) like any upload."""
    from django.core.files import File

    from core.thaidate import thai_date
    from media_center.actions import default_collection, school_collection, start_processing
    from media_center.models import MediaItem, MediaKind, Status, Visibility

    session = LiveSession.objects.select_related("school", "teacher").get(pk=session_id)
    if session.recording_id is not None:
        return
    visibility = {
        "public": Visibility.PUBLIC,
        "area": Visibility.SIGNED_IN,
        "school": Visibility.SCHOOL,
    }[session.audience]
    if session.school is not None:
        collection = school_collection(session.school)
        holder = session.school.name
    else:
        collection = default_collection(session.teacher)
        holder = str(collection)
    with transaction.atomic():
        item = MediaItem(
            title=f"{session.title} ({thai_date(session.starts_at)})",
            type=MediaKind.VIDEO,
            description=session.description,
            licence=live_settings.RECORDING_LICENCE,
            copyright_holder=holder,
            owner_school=session.school,
            visibility=visibility,
            status=Status.PROCESSING,  # processed below, not by post_save
            uploaded_by_user=session.teacher,
            collection=collection,
        )
        with joined.open("rb") as handle:
            item.file.save(f"live-{session_id}.mp4", File(handle), save=False)
        item.save()
        if session.subject_group_id:
            item.subject_groups.add(session.subject_group_id)
        if session.grade_level_id:
            item.grade_levels.add(session.grade_level_id)
        LiveSession.objects.filter(pk=session_id).update(recording=item)
        start_processing(item)


def mark_recorded(item_id: int) -> int:
    """The recording is ready to play: its sessions become 'recorded', their files go."""
    ids = list(
        LiveSession.objects.filter(recording_id=item_id, state=State.ENDED).values_list(
            "pk", flat=True
        )
    )
    LiveSession.objects.filter(pk__in=ids).update(state=State.RECORDED)
    for session_id in ids:
        shutil.rmtree(session_dir(session_id), ignore_errors=True)
    return len(ids)


MAX_BEAT_SECONDS = 60.0  # a player reports every 30 s; more than this is not believed


def record_attendance(session: LiveSession, user, seconds: float) -> None:
    """Add what a viewer watched live since their last report (clamped)."""
    from django.db.models import F

    from .models import LiveAttendance

    seconds = max(0.0, min(float(seconds), MAX_BEAT_SECONDS))
    row, created = LiveAttendance.objects.get_or_create(
        session=session,
        user=user,
        defaults={"school_id": getattr(user, "school_id", None), "seconds": seconds},
    )
    if not created:
        LiveAttendance.objects.filter(pk=row.pk).update(
            seconds=F("seconds") + seconds, last_seen=timezone.now()
        )


def attendance_summary(session_id: int) -> dict:
    from django.db.models import Count, Sum

    from .models import LiveAttendance

    rows = LiveAttendance.objects.filter(session_id=session_id)
    totals = rows.aggregate(
        viewers=Count("pk"), schools=Count("school", distinct=True), seconds=Sum("seconds")
    )
    return {
        "viewers": totals["viewers"] or 0,
        "schools": totals["schools"] or 0,
        "minutes": round((totals["seconds"] or 0) / 60),
    }
