"""Named state changes for core (see DESIGN.md: actions, not scattered saves)."""

from django.db import transaction

from .models import WorkerHeartbeat


def request_worker_heartbeat(source: str = "admin") -> WorkerHeartbeat:
    """Record a heartbeat request and enqueue its task once the row is committed."""
    from .tasks import worker_heartbeat_task

    heartbeat = WorkerHeartbeat.objects.create(source=source)
    transaction.on_commit(lambda: worker_heartbeat_task.delay(heartbeat.pk, source))
    return heartbeat
