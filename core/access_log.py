"""The request log kept for the Computer Crime Act, written in batches.

A synchronous INSERT per request would add a write transaction to every page
view (and on SQLite, a turn at the single write lock). Instead each request
appends an unsaved row to a per-process buffer, and the request that fills the
buffer (or finds it older than ACCESS_LOG_MAX_DELAY) writes it with one bulk
insert. The cost is measured by ``python -m bench.access_log``. Rows still in
the buffer are written at interpreter exit; a killed process loses at most one
batch, which we accept (the web server's own log covers the same requests).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time

from django.db import DatabaseError, transaction
from django.utils import timezone

from .conf import khlang_settings
from .i18n import bilingual

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_buffer: list = []
_oldest: float | None = None


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or the address our own trusted proxies saw, never a spoofable one."""
    proxies = khlang_settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def record(request, status: int, duration_ms: int) -> None:
    from .models import AccessLog

    user = getattr(request, "user", None)
    authenticated = bool(user is not None and user.is_authenticated)
    row = AccessLog(
        time=timezone.now(),
        user_id=user.pk if authenticated else None,
        # A failed login names the account tried (set by core.throttle).
        username=user.get_username()
        if authenticated
        else getattr(request, "khlang_attempted_username", ""),
        ip=client_ip(request),
        method=request.method[:8],
        path=request.get_full_path()[:2000],
        status=status,
        duration_ms=duration_ms,
    )
    global _oldest
    with _lock:
        _buffer.append(row)
        if _oldest is None:
            _oldest = time.monotonic()
        due = (
            len(_buffer) >= khlang_settings.ACCESS_LOG_BATCH_SIZE
            or time.monotonic() - _oldest >= khlang_settings.ACCESS_LOG_MAX_DELAY
        )
    if due:
        flush()


def flush() -> int:
    """Write every buffered row now; returns how many were written."""
    from .models import AccessLog

    global _oldest
    with _lock:
        rows = _buffer[:]
        _buffer.clear()
        _oldest = None
    if not rows:
        return 0
    try:
        # Its own savepoint, so a failure never poisons the request's transaction.
        with transaction.atomic():
            AccessLog.objects.bulk_create(rows)
    except DatabaseError:
        logger.exception("access log: could not write %d rows", len(rows))
        return 0
    return len(rows)


atexit.register(lambda: _safe_flush_at_exit())


def _safe_flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # the interpreter is going away; never raise here
        logger.exception("access log: flush at exit failed")


class AccessLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = int((time.perf_counter() - started) * 1000)
        try:
            record(request, response.status_code, duration_ms)
        except Exception:  # logging must never break a page
            logger.exception("access log: could not record a request")
        return response


def purge_older_than(days: int, batch_size: int = 5000, progress=None) -> int:
    """Delete rows older than ``days`` in batches (short locks); returns the count."""
    from .conf import MINIMUM_ACCESS_LOG_RETENTION_DAYS
    from .models import AccessLog

    if days < MINIMUM_ACCESS_LOG_RETENTION_DAYS:
        raise ValueError(
            bilingual(
                "the Computer Crime Act requires keeping at least %(minimum)s days"
                " (asked for %(days)s)",
                minimum=MINIMUM_ACCESS_LOG_RETENTION_DAYS,
                days=days,
            )
        )
    cutoff = timezone.now() - dt.timedelta(days=days)
    old = AccessLog.objects.filter(time__lt=cutoff)
    total = old.count()
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        deleted += AccessLog.objects.filter(pk__in=ids).delete()[0]
        if progress:
            progress(deleted, total)
    return deleted
