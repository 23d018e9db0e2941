"""Celery tasks of the transcode queue: small, idempotent, taking ids.

A worker shares nothing with the web hosts or other workers but the database,
the broker and the storage (core.storage: a folder on one host, object storage
on many). Each attempt works in a scratch folder of its own: it fetches the
source there (the file itself when the storage is local), encodes, publishes the
finished folder under ``renditions/<item>/<version>/`` and removes its scratch.
Chunks of a long video may run on different hosts: each uploads its pieces
under ``renditions/<item>/.<version>.chunks/`` and the join fetches them.

``transcode_media_task`` may run twice for one job (acks late: a killed worker's
message comes back). Each attempt has a fresh version name and the item points
at it only once it is published, so nothing a player or a mirror reads is ever
rewritten.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.i18n import bilingual
from core.storage import (
    delete_prefix,
    download,
    fetched_folder,
    list_folders,
    local_path,
    newest_time,
    put_folder,
    scratch_dir,
)

from . import actions, ffmpeg, pipeline, reporting, runtime
from .conf import transcoding_settings
from .ladder import plan_ladder
from .models import JobStatus, TranscodeChunk, TranscodeJob
from .pipeline import encode_chunk
from .probe import ProbeError

PROGRESS_EVERY_SECONDS = 1.0


class Cancelled(Exception):
    pass


def _storage():
    return reporting.target().storage()


def _fetch_source(item_id: int, work: Path) -> Path:
    """The source as a local file: in place on a local storage, else downloaded."""
    storage, name = _storage(), reporting.target().source_name(item_id)
    path = local_path(storage, name)
    if path is not None:
        return path
    return download(storage, name, work / "source" / posixpath.basename(name))


def _checked_probe(source: Path):
    """Probe and trial-decode: a broken file fails here, before any encoding."""
    info = ffmpeg.probe(source)
    if info.is_image:
        raise ProbeError(bilingual(_("this file is a still picture, not video or audio")))
    if not ffmpeg.decodes_cleanly(source):
        raise ProbeError(bilingual(_("the file cannot be decoded; it may be damaged")))
    return info


def _fail(job: TranscodeJob, item_id: int, exc: Exception) -> str:
    delete_prefix(_storage(), actions.chunks_prefix(item_id, job.version))
    job.refresh_from_db()
    if job.status == JobStatus.CANCELLED:
        return "cancelled"
    actions.finish_job(job, JobStatus.FAILED, error=str(exc), log_tail=exc_log(exc))
    reporting.target().mark_failed(item_id, str(exc))
    return "failed"


def _publish(job: TranscodeJob, out: Path, result: pipeline.Rendition) -> str:
    """Put the finished folder in the storage and switch the item to it."""
    final = actions.version_prefix(job.media_item_id, job.version)
    put_folder(_storage(), out, final)
    with transaction.atomic():  # the item turns ready and the job succeeds together
        switched = reporting.target().switch_rendition(job.media_item_id, job.version, result)
        if switched:
            actions.finish_job(job, JobStatus.SUCCEEDED, log_tail=result.log_tail)
    if not switched:
        delete_prefix(_storage(), final)  # the item was deleted meanwhile
        return "orphaned"
    return "done"


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True)
def transcode_media_task(self, job_id: int) -> str:
    """One attempt at a job: claimed once, supervised (runtime.py), published or failed."""
    job = runtime.claim_once(job_id, worker=self.request.hostname or actions.this_worker())
    if job is None:
        return "skipped"
    watch = runtime.before_probe(job)
    work = scratch_dir(f"job{job.pk}-{job.attempts}")
    try:
        with ffmpeg.supervised(watch):
            return _transcode(job, watch, work, started=time.monotonic())
    except runtime.LostJob:
        return "lost"
    finally:
        shutil.rmtree(work, ignore_errors=True)  # this attempt's scratch only


def _transcode(job: TranscodeJob, watch: ffmpeg.Supervision, work: Path, started: float) -> str:
    item_id = job.media_item_id
    out = work / "out"
    conf = transcoding_settings
    try:
        source = _fetch_source(item_id, work)
        info = _checked_probe(source)
        runtime.after_probe(watch, started, info.duration)
        runtime.beat(job)
        reporting.target().record_probe(item_id, info)
        ladder = plan_ladder(info, include_1080=conf["INCLUDE_1080P"])
        if ladder.rungs and job.chunk_seconds and info.duration > 2 * job.chunk_seconds:
            pieces = pipeline.plan_chunks(info.duration, ladder.segment_seconds, job.chunk_seconds)
            actions.start_chunks(job, pieces)
            return "chunked"
        result = pipeline.transcode(
            source,
            out,
            probe=info,
            include_1080=conf["INCLUDE_1080P"],
            preset=conf["PRESET"],
            threads=conf["FFMPEG_THREADS"],
            on_progress=_progress_reporter(job),
            on_start=lambda pid: actions.record_pid(job, pid),
        )
    except ProbeError as exc:
        actions.finish_job(job, JobStatus.FAILED, error=str(exc))
        reporting.target().mark_failed(item_id, str(exc))
        return "invalid"
    except (ffmpeg.FfmpegError, Cancelled) as exc:
        return _fail(job, item_id, exc)
    return _publish(job, out, result)


@shared_task(acks_late=True, reject_on_worker_lost=True, bind=True, max_retries=2)
def encode_chunk_task(self, chunk_id: int) -> str:
    """Encode one chunk and upload it; a failure retries this chunk only."""
    chunk = actions.claim_chunk(chunk_id, worker=self.request.hostname or actions.this_worker())
    if chunk is None:
        return "skipped"
    job = chunk.job
    work = scratch_dir(f"chunk{chunk.pk}-{chunk.attempts}")
    try:
        return _encode_chunk(self, chunk, job, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _encode_chunk(task, chunk: TranscodeChunk, job: TranscodeJob, work: Path) -> str:
    conf = transcoding_settings
    source = _fetch_source(job.media_item_id, work)
    info = ffmpeg.probe(source)
    ladder = pipeline.plan(source, info, conf["INCLUDE_1080P"])  # per-title, as every chunk
    chunk_dir = work / "chunk"
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
        return "lost"
    except ffmpeg.FfmpegError as exc:
        if task.request.retries >= task.max_retries:
            TranscodeChunk.objects.filter(pk=chunk.pk).update(
                status=JobStatus.FAILED, error=str(exc)
            )
            return _fail(job, job.media_item_id, exc)
        TranscodeChunk.objects.filter(pk=chunk.pk).update(status=JobStatus.QUEUED, error=str(exc))
        raise task.retry(exc=exc, countdown=2) from exc
    prefix = actions.chunks_prefix(job.media_item_id, job.version)
    put_folder(_storage(), chunk_dir, f"{prefix}/{chunk.index:04d}")
    if actions.finish_chunk(chunk):
        join_chunks_task.delay(job.pk)
    return "encoded"


@shared_task(acks_late=True, reject_on_worker_lost=True)
def join_chunks_task(job_id: int) -> str:
    """Join the encoded chunks into one rendition, measure it, publish it."""
    job = TranscodeJob.objects.filter(pk=job_id).first()
    if job is None or job.status != JobStatus.RUNNING:
        return "skipped"
    work = scratch_dir(f"join{job.pk}-{job.attempts}")
    try:
        return _join(job, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _join(job: TranscodeJob, work: Path) -> str:
    conf = transcoding_settings
    out = work / "out"
    out.mkdir()
    prefix = actions.chunks_prefix(job.media_item_id, job.version)
    watch = ffmpeg.Supervision(heartbeat=lambda: runtime.beat_for_chunk(job.pk))
    try:
        with ffmpeg.supervised(watch):
            source = _fetch_source(job.media_item_id, work)
            info = ffmpeg.probe(source)
            watch.deadline = runtime.deadline_in(actions.time_limit_for(info.duration))
            ladder = pipeline.plan(source, info, conf["INCLUDE_1080P"])
            indexes = job.chunks.order_by("index").values_list("index", flat=True)
            chunk_dirs = [
                fetched_folder(_storage(), f"{prefix}/{i:04d}", work / "chunks" / str(i))
                for i in indexes
            ]
            # Audio is encoded here once for the whole item, and the seek previews
            # come from a small joined rung: chunked items get what short ones get.
            result = pipeline.join_chunks(
                source, chunk_dirs, out, info, ladder, threads=conf["FFMPEG_THREADS"]
            )
    except runtime.LostJob:
        return "lost"
    except (ffmpeg.FfmpegError, OSError, ProbeError) as exc:
        return _fail(job, job.media_item_id, exc)
    done = _publish(job, out, result)
    delete_prefix(_storage(), prefix)
    return done


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
    storage = _storage()
    current = reporting.target().current_versions()
    active = set(
        TranscodeJob.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).values_list(
            "version", flat=True
        )
    )
    now = time.time()
    removed = 0
    for item_name in list_folders(storage, "renditions"):
        item_id = int(item_name) if item_name.isdigit() else None
        for version in list_folders(storage, f"renditions/{item_name}"):
            name = version.strip(".").removesuffix(".partial").removesuffix(".chunks")
            if (item_id in current and current[item_id] == name) or name in active:
                continue
            prefix = f"renditions/{item_name}/{version}"
            changed = newest_time(storage, prefix)
            if changed is None or now - changed > grace_seconds:
                delete_prefix(storage, prefix)
                removed += 1
    return removed
