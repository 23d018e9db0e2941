import socket

from celery import shared_task
from django.utils import timezone

from .access_log import purge_older_than
from .conf import khlang_settings


@shared_task(name="core.tasks.worker_heartbeat_task")
def worker_heartbeat_task(heartbeat_id: int | None = None, source: str = "admin") -> None:
    """Mark a heartbeat done (or record one from beat): proof the worker runs."""
    from .models import WorkerHeartbeat

    hostname = worker_heartbeat_task.request.hostname or socket.gethostname()
    if heartbeat_id is None:
        WorkerHeartbeat.objects.create(
            source=source, completed_at=timezone.now(), worker_hostname=hostname
        )
        return
    # Idempotent: a redelivered message finds the row already completed.
    WorkerHeartbeat.objects.filter(pk=heartbeat_id, completed_at__isnull=True).update(
        completed_at=timezone.now(), worker_hostname=hostname
    )


@shared_task(name="core.tasks.purge_access_log_task")
def purge_access_log_task() -> int:
    return purge_older_than(khlang_settings.ACCESS_LOG_RETENTION_DAYS)
