"""Celery tasks of the transcode queue: small, idempotent, taking ids.

``transcode_media_task`` may run twice for one job (acks late: a killed worker's
message comes back). Each attempt writes a fresh ``.<version>.partial`` folder
and renames it into place only when complete, so nothing a player or a mirror
reads is ever rewritten.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.i18n import bilingual

from . import actions, ffmpeg, pipeline, reporting, runtime
from .conf import transcoding_settings
from .ladder import plan_ladder
from .models import JobStatus, TranscodeChunk, TranscodeJob
from .pipeline import encode_chunk
from .probe import ProbeError

PROGRESS_EVERY_SECONDS = 1.0


class Cancelled(Exception):
    pass


def _source_path(item_id: int) -> Path:
    return reporting.target().source_path(item_id)


def _partial_dir(job: TranscodeJob) -> Path:
    return actions.renditions_root(job.media_item_id) / f".{job.version}.partial"


def _checked_probe(source: Path):
    """Probe and trial-decode: a broken file fails here, before any encoding."""
    info = ffmpeg.probe(source)
    if info.is_image:
        raise ProbeError(bilingual(_("this file is a still picture, not video or audio")))
    if not ffmpeg.decodes_cleanly(source):
        raise ProbeError(bilingual(_("the file cannot be decoded; it may be damaged")))
    return info


def _fail(job: TranscodeJob, item_id: int, exc: Exception) -> str:
    shutil.rmtree(_partial_dir(job), ignore_errors=True)
    job.refresh_from_db()
    if job.status == JobStatus.CANCELLED:
        return "cancelled"
    actions.finish_job(job, JobStatus.FAILED, error=str(exc), log_tail=exc_log(exc))
    reporting.target().mark_failed(item_id, str(exc))
    return "failed"


def _publish(job: TranscodeJob, result: pipeline.Rendition) -> str:
    """Rename the finished folder into place and switch the item to it."""
    final = actions.renditions_root(job.media_item_id) / job.version
    _partial_dir(job).rename(final)
    with transaction.atomic():  # the item turns ready and the job succeeds together
        switched = reporting.target().switch_rendition(job.media_item_id, job.version, result)
        if switched:
            actions.finish_job(job, JobStatus.SUCCEEDED, log_tail=result.log_tail)
    if not switched:
        shutil.rmtree(final, ignore_errors=True)  # the item was deleted meanwhile
        return "orphaned"
    return "done"


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True)
def transcode_media_task(self, job_id: int) -> str:
    """One attempt at a job: claimed once, supervised (runtime.py), published or failed."""
    job = runtime.claim_once(job_id, worker=self.request.hostname or actions.this_worker())
    if job is None:
        return "skipped"
    watch = runtime.before_probe(job)
    try:
        with ffmpeg.supervised(watch):
            return _transcode(job, watch, started=time.monotonic())
    except runtime.LostJob:
        shutil.rmtree(_partial_dir(job), ignore_errors=True)  # this attempt's folder only
        return "lost"


def _transcode(job: TranscodeJob, watch: ffmpeg.Supervision, started: float) -> str:
    item_id = job.media_item_id
    partial = _partial_dir(job)
    shutil.rmtree(partial, ignore_errors=True)
    partial.parent.mkdir(parents=True, exist_ok=True)
    source = _source_path(item_id)
    conf = transcoding_settings
    try:
        info = _checked_probe(source)
        runtime.after_probe(watch, started, info.duration)
        runtime.beat(job)
        reporting.target().record_probe(item_id, info)
        ladder = plan_ladder(info, include_1080=conf["INCLUDE_1080P"])
        if ladder.rungs and job.chunk_seconds and info.duration > 2 * job.chunk_seconds:
            pieces = pipeline.plan_chunks(info.duration, ladder.segment_seconds, job.chunk_seconds)
            partial.mkdir()
            actions.start_chunks(job, pieces)
            return "chunked"
        result = pipeline.transcode(
            source,
            partial,
            probe=info,
            include_1080=conf["INCLUDE_1080P"],
            preset=conf["PRESET"],
            threads=conf["FFMPEG_THREADS"],
            on_progress=_progress_reporter(job),
            on_start=lambda pid: actions.record_pid(job, pid),
        )
    except ProbeError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        actions.finish_job(job, JobStatus.FAILED, error=str(exc))
        reporting.target().mark_failed(item_id, str(exc))
        return "invalid"
    except (ffmpeg.FfmpegError, Cancelled) as exc:
        return _fail(job, item_id, exc)
    return _publish(job, result)


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True, max_retries=2)
def encode_chunk_task(self, chunk_id: int) -> str:
    """Encode one chunk; a failure retries this chunk only, after removing its files."""
    chunk = actions.claim_chunk(chunk_id, worker=self.request.hostname or actions.this_worker())
    if chunk is None:
        return "skipped"
    job = chunk.job
    conf = transcoding_settings
    source = _source_path(job.media_item_id)
    info = ffmpeg.probe(source)
    ladder = pipeline.plan(source, info, conf["INCLUDE_1080P"])  # per-title, as every chunk
    chunk_dir = _partial_dir(job) / "chunks" / f"{chunk.index:04d}"
    is_last = not TranscodeChunk.objects.filter(job=job, index__gt=chunk.index).exists()
    watch = ffmpeg.Supervision(
        deadline=runtime.deadline_in(actions.time_limit_for(chunk.length)),
        heartbeat=lambda: runtime.beat_for_chunk(job.pk),
    )
    try:
        with ffmpeg.supervised(watch):
            encode_chunk(
                source, chunk_dir, ladder, chunk.start, chunk.length, last=is_last,
                preset=conf["PRESET"],
                threads=pipeline.chunk_threads(conf["FFMPEG_THREADS"], _chunks_at_once()),
                on_start=lambda pid: TranscodeChunk.objects.filter(pk=chunk.pk).update(pid=pid),
            )  # fmt: skip
    except runtime.LostJob:
        shutil.rmtree(chunk_dir, ignore_errors=True)
        return "lost"
    except ffmpeg.FfmpegError as exc:
        shutil.rmtree(chunk_dir, ignore_errors=True)
        if self.request.retries >= self.max_retries:
            TranscodeChunk.objects.filter(pk=chunk.pk).update(
                status=JobStatus.FAILED, error=str(exc)
            )
            return _fail(job, job.media_item_id, exc)
        TranscodeChunk.objects.filter(pk=chunk.pk).update(status=JobStatus.QUEUED, error=str(exc))
        raise self.retry(exc=exc, countdown=2) from exc
    if actions.finish_chunk(chunk):
        join_chunks_task.delay(job.pk)
    return "encoded"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def join_chunks_task(job_id: int) -> str:
    """Join the encoded chunks into one rendition, measure it, publish it."""
    job = TranscodeJob.objects.filter(pk=job_id).first()
    if job is None or job.status != JobStatus.RUNNING:
        return "skipped"
    conf = transcoding_settings
    partial = _partial_dir(job)
    source = _source_path(job.media_item_id)
    watch = ffmpeg.Supervision(heartbeat=lambda: runtime.beat_for_chunk(job.pk))
    try:
        with ffmpeg.supervised(watch):
            info = ffmpeg.probe(source)
            watch.deadline = runtime.deadline_in(actions.time_limit_for(info.duration))
            ladder = pipeline.plan(source, info, conf["INCLUDE_1080P"])
            chunks = job.chunks.order_by("index")
            chunk_dirs = [partial / "chunks" / f"{c.index:04d}" for c in chunks]
            # Audio is encoded here once for the whole item, and the seek previews
            # come from a small joined rung: chunked items get what short ones get.
            result = pipeline.join_chunks(
                source, chunk_dirs, partial, info, ladder, threads=conf["FFMPEG_THREADS"]
            )
            shutil.rmtree(partial / "chunks", ignore_errors=True)
    except runtime.LostJob:
        return "lost"
    except (ffmpeg.FfmpegError, OSError, ProbeError) as exc:
        return _fail(job, job.media_item_id, exc)
    return _publish(job, result)


def _chunks_at_once() -> int:
    """How many chunks this host may encode at once: its worker processes."""
    return settings.CELERY_WORKER_CONCURRENCY or os.cpu_count() or 1


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
            raise Cancelled(bilingual(_("cancelled")))

    return report


@shared_task
def find_stuck_jobs_task() -> dict:
    """Requeue jobs whose worker died (runtime.sweep), prune old versions."""
    requeued = runtime.sweep()
    pruned = prune_old_versions(transcoding_settings["OLD_VERSION_GRACE_SECONDS"])
    return {"requeued": requeued, "pruned": pruned}


def prune_old_versions(grace_seconds: float) -> int:
    """Remove rendition folders no item points at, once older than the grace period."""
    base = reporting.target().output_root() / "renditions"
    if not base.is_dir():
        return 0
    current = reporting.target().current_versions()
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
