"""One row per encode of a media item: what the admin's progress bar shows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class TranscodeJob(models.Model):
    # Bookkeeping rows: nothing for Wagtail's "used by" reference index.
    wagtail_reference_index_ignore = True

    media_item = models.ForeignKey(
        "media_center.MediaItem", on_delete=models.CASCADE, related_name="transcode_jobs"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.FloatField(_("progress %"), default=0)
    log_tail = models.TextField(_("log tail"), blank=True)
    error = models.TextField(_("error"), blank=True)
    worker = models.CharField(_("worker"), max_length=255, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    # Set when the last chunk is done and one worker has taken the join.
    joining = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    version = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    run_seconds = models.FloatField(_("run time (s)"), default=0)
    # Long media is cut into chunks of about this many seconds, encoded by any
    # free workers in parallel and joined; 0 encodes in one piece.
    chunk_seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("transcode job")
        verbose_name_plural = _("transcode jobs")
        indexes = [models.Index(fields=["status", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.media_item_id} {self.status} {self.progress:.0f}%"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class TranscodeChunk(models.Model):
    """One time range of a chunked job; retried on its own when it fails."""

    # Bookkeeping rows: nothing for Wagtail's "used by" reference index.
    wagtail_reference_index_ignore = True

    job = models.ForeignKey(TranscodeJob, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    start = models.FloatField()
    length = models.FloatField()
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=255, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="one_chunk_per_index")]

    def __str__(self) -> str:
        return f"{self.job_id}/{self.index} {self.status}"
