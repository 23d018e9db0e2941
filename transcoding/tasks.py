"""Celery tasks of the transcode queue: small, idempotent, taking ids.

``transcode_media_task`` may run twice for one job (acks late: a killed worker's
message comes back). Each attempt writes a fresh ``.<version>.partial`` folder
and renames it into place only when complete, so nothing a player or a mirror
reads is ever rewritten.
"""

from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import actions, ffmpeg, pipeline
from .models import JobStatus, TranscodeJob
from .probe import ProbeError

PROGRESS_EVERY_SECONDS = 1.0


class Cancelled(Exception):
    pass


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True)
def transcode_media_task(self, job_id: int) -> str:
    from media_center import actions as media_actions
    from media_center.models import protected_storage

    job = actions.claim_job(job_id, worker=self.request.hostname or actions.this_worker())
    if job is None:
        return "skipped"
    item = job.media_item
    root = actions.renditions_root(item.pk)
    final = root / job.version
    partial = root / f".{job.version}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    source = Path(protected_storage.path(item.file.name))
    try:
        info = ffmpeg.probe(source)
        if info.is_image:
            raise ProbeError(
                "ไฟล์นี้เป็นภาพนิ่ง ไม่ใช่วิดีโอหรือเสียง / this file is a still picture, not video or audio"
            )
        if not ffmpeg.decodes_cleanly(source):
            raise ProbeError(
                "ถอดรหัสไฟล์ไม่ได้ ไฟล์อาจเสียหาย / the file cannot be decoded; it may be damaged"
            )
        media_actions.record_probe(item, info)
        result = pipeline.transcode(
            source,
            partial,
            probe=info,
            include_1080=settings.TRANSCODING["INCLUDE_1080P"],
            preset=settings.TRANSCODING["PRESET"],
            threads=settings.TRANSCODING["FFMPEG_THREADS"],
            on_progress=_progress_reporter(job),
            on_start=lambda pid: actions.record_pid(job, pid),
            timeout=actions.time_limit_for(info.duration),
        )
    except ProbeError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        actions.finish_job(job, JobStatus.FAILED, error=str(exc))
        media_actions.mark_failed(item, str(exc))
        return "invalid"
    except (ffmpeg.FfmpegError, Cancelled) as exc:
        shutil.rmtree(partial, ignore_errors=True)
        job.refresh_from_db()
        if job.status == JobStatus.CANCELLED:
            return "cancelled"
        actions.finish_job(job, JobStatus.FAILED, error=str(exc), log_tail=exc_log(exc))
        media_actions.mark_failed(item, str(exc))
        return "failed"
    partial.rename(final)
    with transaction.atomic():  # the item turns ready and the job succeeds together
        switched = media_actions.switch_rendition(item.pk, job.version, result)
        if switched:
            actions.finish_job(job, JobStatus.SUCCEEDED, log_tail=result.log_tail)
    if not switched:
        shutil.rmtree(final, ignore_errors=True)  # the item was deleted meanwhile
        return "orphaned"
    return "done"


def exc_log(exc: Exception) -> str:
    return getattr(exc, "log_tail", "")


def _progress_reporter(job: TranscodeJob):
    last = [0.0]

    def report(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_EVERY_SECONDS:
            return
        last[0] = now
        if not actions.report_progress(job, fraction):
            job.refresh_from_db(fields=["pid", "status"])
            if job.pid:
                ffmpeg.kill(job.pid)
            raise Cancelled("ยกเลิกแล้ว / cancelled")

    return report


@shared_task
def find_stuck_jobs_task() -> dict:
    """Requeue running jobs whose heartbeat stopped (worker gone), prune old versions."""
    conf = settings.TRANSCODING
    cutoff = timezone.now() - timedelta(seconds=conf["STUCK_AFTER_SECONDS"])
    stuck = TranscodeJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
    requeued = []
    for job in stuck:
        if job.attempts >= 3:
            actions.finish_job(job, JobStatus.FAILED, error="หยุดค้าง 3 ครั้ง / stuck three times")
            continue
        TranscodeJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
        transcode_media_task.delay(job.pk)
        requeued.append(job.pk)
    pruned = prune_old_versions(conf["OLD_VERSION_GRACE_SECONDS"])
    return {"requeued": requeued, "pruned": pruned}


def prune_old_versions(grace_seconds: float) -> int:
    """Remove rendition folders no item points at, once older than the grace period."""
    from media_center.models import MediaItem

    base = Path(settings.MEDIA_CENTER["PROTECTED_ROOT"]) / "renditions"
    if not base.is_dir():
        return 0
    current = dict(MediaItem.objects.values_list("pk", "rendition_version"))
    active = set(
        TranscodeJob.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).values_list(
            "version", flat=True
        )
    )
    now = time.time()
    removed = 0
    for item_dir in base.iterdir():
        item_id = int(item_dir.name) if item_dir.name.isdigit() else None
        for version in item_dir.iterdir() if item_dir.is_dir() else []:
            name = version.name.strip(".").removesuffix(".partial")
            if (item_id in current and current[item_id] == name) or name in active:
                continue
            if now - version.stat().st_mtime > grace_seconds:
                shutil.rmtree(version, ignore_errors=True)
                removed += 1
    return removed
