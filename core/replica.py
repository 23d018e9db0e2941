"""Reports read from a database replica when one is configured (off by default).

Usage reports and KPI dashboards scan large tables; on a busy day they should
not compete with lesson pages and quiz submissions for the primary database.
With ``KHLANG_REPORTS_DATABASE_URL`` set, settings add a ``replica`` database
and a view wrapped in ``reads_from_replica`` reads every model from it. Writes
always go to the primary (``default``), and so does every read outside such a
view: a page that has just saved something never reads a replica that is a
moment behind.

    urlpatterns = [path("reports/", reads_from_replica(views.dashboard_view))]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading = ContextVar("khlang_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block, reads go to the replica (when there is one)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Django database router: reads inside ``replica_reads`` go to the replica."""

    def db_for_read(self, model, **hints):
        if _reading.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return None  # always the primary

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies: rows of either may relate

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None  # the replica follows the primary
