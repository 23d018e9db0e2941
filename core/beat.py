"""Celery beat safe on two hosts: only the holder of a lease sends due tasks.

Running beat on two hosts (for failover) would otherwise send every periodic
task twice. Each beat tries on every tick to take or renew a lease in the
cache (Redis in production, so every host sees the same key); the one holding
it schedules, the other waits and takes over once the holder stops renewing
for ``LEASE_SECONDS``. ``cache.add`` is atomic in Redis, so two hosts never hold
the lease at once.

    celery -A khlang beat   # settings name this scheduler (CELERY_BEAT_SCHEDULER)
"""

from __future__ import annotations

import logging
import os
import socket
import uuid

from celery.beat import PersistentScheduler
from django.core.cache import cache

logger = logging.getLogger(__name__)

LEASE_KEY = "khlang:beat-leader"
LEASE_SECONDS = 60


class Lease:
    """One holder at a time of a named lease kept in the cache."""

    def __init__(self, key: str = LEASE_KEY, seconds: int = LEASE_SECONDS, holder: str = ""):
        self.key = key
        self.seconds = seconds
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def hold(self) -> bool:
        """Take the lease if free, renew it if ours; False while another holds it."""
        if cache.add(self.key, self.holder, self.seconds):
            return True
        if cache.get(self.key) == self.holder:
            cache.touch(self.key, self.seconds)
            return True
        return False

    def release(self) -> None:
        if cache.get(self.key) == self.holder:
            cache.delete(self.key)


class LeaderScheduler(PersistentScheduler):
    """Celery's file-backed scheduler, sending only while it holds the lease."""

    lease_class = Lease

    def __init__(self, *args, **kwargs):
        self.lease = self.lease_class()
        self.leading = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs) -> float:
        leading = self.lease.hold()
        if leading != self.leading:
            logger.info("beat %s: %s", self.lease.holder, "leading" if leading else "standing by")
            self.leading = leading
        if not leading:
            return min(self.max_interval, self.lease.seconds / 3)
        # Renew well before the lease runs out, however long the next task waits.
        return min(super().tick(*args, **kwargs), self.lease.seconds / 3)

    def close(self) -> None:
        self.lease.release()
        super().close()
