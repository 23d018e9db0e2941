"""How a transcode job runs on a worker: claimed once, alive while it runs,
bounded in time, and revived only when it is really dead.

- **Claim once.** A job is taken under a row lock. A RUNNING job whose
  heartbeat is fresh belongs to a live attempt: a second claim (a message
  delivered twice, a sweep racing a slow worker) gets nothing and drops.
- **True heartbeat.** Every ffmpeg run of the job sits in a
  ``ffmpeg.supervised`` block whose heartbeat writes ``heartbeat_at`` every
  couple of seconds while the process lives, whatever ffmpeg prints. The
  update names the attempt, so an attempt that lost its job (cancelled, or
  taken over after it went silent) learns so at once and kills its ffmpeg.
- **True limit.** Before the probe the job may take ``TIME_LIMIT_BASE``
  seconds; after it, BASE + duration x FACTOR from the start. The runner kills
  the ffmpeg process group at the deadline.
- **Revival.** ``sweep`` requeues a RUNNING job silent for STUCK_AFTER_SECONDS
  (its worker died: SIGKILL, power, OOM) and re-sends a QUEUED job whose message
  may have died with a worker; a job whose ffmpeg is alive on this host is
  never requeued. With a heartbeat every 2 s, 30 s of silence is certain death.

These functions only touch transcoding's own rows; the media item is updated
by the task (tasks.py) through media_center's actions.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import bilingual

from . import actions, ffmpeg
from .conf import transcoding_settings
from .models import ACTIVE, JobStatus, TranscodeChunk, TranscodeJob

QUEUED_RESEND_FACTOR = 10


class LostJob(Exception):
    """This attempt no longer owns its job (cancelled or taken over)."""


def stuck_after() -> timedelta:
    return timedelta(seconds=transcoding_settings["STUCK_AFTER_SECONDS"])


def claim_once(job_id: int, worker: str) -> TranscodeJob | None:
    """Take a job for a new attempt; None when it is finished, cancelled or alive elsewhere."""
    now = timezone.now()
    with transaction.atomic():
        job = TranscodeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in ACTIVE:
            return None
        if job.status == JobStatus.RUNNING and _looks_alive(job, now):
            return None
        job.attempts += 1
        job.status = JobStatus.RUNNING
        job.worker = worker
        job.pid = None
        job.joining = False
        job.progress = 0
        job.version = f"v{job.pk}-{job.attempts}"
        job.started_at = job.heartbeat_at = now
        job.save()
    return job


def _looks_alive(job: TranscodeJob, now) -> bool:
    if job.heartbeat_at and now - job.heartbeat_at < stuck_after():
        return True
    return _ffmpeg_alive_here(job)


def _ffmpeg_alive_here(job: TranscodeJob) -> bool:
    on_this_host = job.worker.split("@")[-1] == actions.this_worker()
    return bool(job.pid and job.pid > 0 and on_this_host and ffmpeg.is_ffmpeg(job.pid))


def beat(job: TranscodeJob) -> None:
    """The heartbeat of one attempt; raises LostJob when the job is no longer its own."""
    alive = TranscodeJob.objects.filter(
        pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts
    ).update(heartbeat_at=timezone.now())
    if not alive:
        raise LostJob(bilingual(_("cancelled or taken over")))


def beat_for_chunk(job_id: int) -> None:
    """A chunk's encode keeps its job alive; a job no longer running stops the chunk."""
    alive = TranscodeJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        heartbeat_at=timezone.now()
    )
    if not alive:
        raise LostJob(bilingual(_("cancelled")))


def deadline_in(seconds: float) -> float:
    return time.monotonic() + seconds


def before_probe(job: TranscodeJob) -> ffmpeg.Supervision:
    """Supervision until the duration is known: the base limit only."""
    return ffmpeg.Supervision(
        deadline=deadline_in(transcoding_settings["TIME_LIMIT_BASE"]), heartbeat=lambda: beat(job)
    )


def after_probe(watch: ffmpeg.Supervision, started: float, duration: float) -> None:
    """Now that the duration is known, the limit is the job's full allowance."""
    watch.deadline = started + actions.time_limit_for(duration)
    watch.duration = duration


def sweep() -> list[int]:
    """Requeue dead RUNNING jobs and re-send QUEUED ones whose message may be lost."""
    from .tasks import transcode_media_task

    now = timezone.now()
    # A queued job may wait long behind other encodes: re-send it rarely.
    queued_cutoff = now - QUEUED_RESEND_FACTOR * stuck_after()
    requeued = []
    silent = TranscodeJob.objects.filter(
        status=JobStatus.RUNNING, heartbeat_at__lt=now - stuck_after()
    )
    silent |= TranscodeJob.objects.filter(status=JobStatus.QUEUED, heartbeat_at__lt=queued_cutoff)
    silent |= TranscodeJob.objects.filter(
        status=JobStatus.QUEUED, heartbeat_at__isnull=True, created_at__lt=queued_cutoff
    )
    for job in silent:
        if job.status == JobStatus.RUNNING and _ffmpeg_alive_here(job):
            continue  # a live encode that could not write (database hiccup): leave it
        if TranscodeChunk.objects.filter(job=job, status=JobStatus.QUEUED).exists():
            continue  # chunks wait in the queue for a free worker; their messages exist
        if job.status == JobStatus.RUNNING and job.attempts >= 3:
            actions.finish_job(job, JobStatus.FAILED, error=bilingual(_("stuck three times")))
            continue
        moved = TranscodeJob.objects.filter(
            pk=job.pk, status=job.status, attempts=job.attempts, heartbeat_at=job.heartbeat_at
        ).update(status=JobStatus.QUEUED, heartbeat_at=now)
        if moved:
            transaction.on_commit(lambda pk=job.pk: transcode_media_task.delay(pk))
            requeued.append(job.pk)
    return requeued
