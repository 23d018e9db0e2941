"""Celery tasks. On central they do nothing (KHLANG_ROLE selects the behaviour)."""

from __future__ import annotations

import logging

from celery import shared_task

from .conf import is_mirror
from .errors import MirrorError, OutsideWindowError

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def sync_from_central_task() -> str:
    """Beat, every few minutes: sync when inside the mirror's window, then push."""
    if not is_mirror():
        return "central"
    from .sync import SyncManager

    try:
        SyncManager().run()
    except OutsideWindowError:
        return "outside-window"
    except MirrorError as error:
        logger.warning("mirror sync failed: %s", error)
        return "failed"
    push_results_task.delay()
    return "ok"


@shared_task(ignore_result=True)
def push_results_task() -> str:
    if not is_mirror():
        return "central"
    from .push import PushManager

    try:
        PushManager().run()
    except MirrorError as error:
        logger.warning("mirror push failed: %s", error)
        return "failed"
    return "ok"


@shared_task(ignore_result=True)
def refresh_feed_task() -> int:
    """Central: keep the feed current so a mirror's first page is quick, and drop
    stored files that no entry names any more."""
    if is_mirror():
        return 0
    from .feed import collect_central_garbage, refresh_feed

    changed = refresh_feed()
    collect_central_garbage()
    return changed
