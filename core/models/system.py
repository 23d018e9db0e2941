from django.db import models


class WorkerHeartbeat(models.Model):
    """A round trip through the task queue: shows an admin that the worker runs."""

    source = models.CharField(max_length=32, default="admin")
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    worker_hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        get_latest_by = "requested_at"

    def __str__(self) -> str:
        return f"heartbeat {self.pk} ({self.source})"

    @property
    def latency_seconds(self) -> float | None:
        if self.completed_at is None:
            return None
        return (self.completed_at - self.requested_at).total_seconds()
