"""Background work of live sessions. Small tasks taking ids, except the supervisor,
which runs for its session's length on the ``live`` queue (see live.ingest)."""

from __future__ import annotations

import logging

from celery import shared_task

from . import actions, ingest
from .sources import stream_source

logger = logging.getLogger(__name__)


@shared_task(acks_late=False)
def run_ingest_task(session_id: int) -> str:
    """Listen for the session's publisher until the session ends.

    Not acknowledged late: a worker that dies mid-class must not have the
    supervisor delivered again after the class (the beat task reopens an
    ingest that is still due, and ends one that is past its time).
    """
    outcome = ingest.supervise(session_id)
    logger.info("live session %s: %s", session_id, outcome)
    return outcome


@shared_task
def make_recording_task(session_id: int) -> None:
    joined = ingest.join_recording(session_id)
    if joined is not None:
        actions.attach_recording(session_id, joined)


@shared_task
def mark_recorded_task(item_id: int) -> None:
    actions.mark_recorded(item_id)


@shared_task
def live_schedule_task() -> None:
    """Open the ingests of sessions about to start; end sessions past their time.

    Only where classes are taught: a school's mirror relays them from central,
    so it opens no listener and ends nothing by its own clock."""
    if not stream_source().controls:
        return
    actions.open_due_ingests()
    actions.end_due_sessions()
