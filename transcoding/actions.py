"""State changes of transcode jobs, by name (queue, claim, progress, finish, cancel)."""

from __future__ import annotations

import socket
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from core.storage import delete_prefix, local_path

from . import ffmpeg, reporting
from .conf import transcoding_settings
from .models import ACTIVE, JobStatus, TranscodeChunk, TranscodeJob


def renditions_prefix(item_id: int) -> str:
    return f"renditions/{item_id}"


def version_prefix(item_id: int, version: str) -> str:
    """Where a finished version of an item's renditions is published."""
    return f"{renditions_prefix(item_id)}/{version}"


def chunks_prefix(item_id: int, version: str) -> str:
    """Where the encoded chunks of a version wait for the join (any worker's)."""
    return f"{renditions_prefix(item_id)}/.{version}.chunks"


def renditions_root(item_id: int) -> Path | None:
    """The item's renditions folder when the storage is a local folder, else None."""
    return local_path(reporting.target().storage(), renditions_prefix(item_id))


def time_limit_for(duration: float) -> int:
    """Seconds a job may run: a fixed base plus a multiple of the media's length."""
    conf = transcoding_settings
    return int(conf["TIME_LIMIT_BASE"] + max(duration, 0) * conf["TIME_LIMIT_FACTOR"])


def queue_transcode(item) -> TranscodeJob:
    """Create a job for ``item`` and send it to the transcode queue once committed.

    An active job for the item is reused, so a double click queues nothing twice.
    """
    from .tasks import transcode_media_task

    existing = TranscodeJob.objects.filter(media_item=item, status__in=ACTIVE).first()
    if existing:
        return existing
    job = TranscodeJob.objects.create(
        media_item=item, chunk_seconds=transcoding_settings.CHUNK_SECONDS
    )
    limit = time_limit_for(item.duration or 0) if item.duration else None
    options = {"time_limit": limit + 60, "soft_time_limit": limit} if limit else {}
    transaction.on_commit(lambda: transcode_media_task.apply_async((job.pk,), **options))
    return job


def report_progress(job: TranscodeJob, fraction: float) -> bool:
    """Store progress and a heartbeat; False when the job was cancelled meanwhile."""
    updated = TranscodeJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        progress=round(min(99.0, fraction * 100), 1), heartbeat_at=timezone.now()
    )
    return bool(updated)


def record_pid(job: TranscodeJob, pid: int) -> None:
    TranscodeJob.objects.filter(pk=job.pk).update(pid=pid, heartbeat_at=timezone.now())


def finish_job(job: TranscodeJob, status: str, *, error: str = "", log_tail: str = "") -> None:
    now = timezone.now()
    run = (now - job.started_at).total_seconds() if job.started_at else 0
    TranscodeJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=status,
        progress=100 if status == JobStatus.SUCCEEDED else job.progress,
        error=error[:4000],
        log_tail=log_tail[-8000:],
        finished_at=now,
        run_seconds=run,
        pid=None,
        joining=False,
    )


def this_worker() -> str:
    return socket.gethostname()


def cancel_jobs(item_id: int) -> int:
    """Cancel an item's active jobs; kill their ffmpeg when it runs on this host.

    A worker on another host sees the CANCELLED status at its next progress
    report and kills its own ffmpeg.
    """
    killed = 0
    jobs = list(TranscodeJob.objects.filter(media_item_id=item_id, status__in=ACTIVE))
    TranscodeJob.objects.filter(pk__in=[j.pk for j in jobs]).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now()
    )
    host = this_worker()
    running = [(j.pid, j.worker) for j in jobs]
    running += TranscodeChunk.objects.filter(job__in=jobs, status=JobStatus.RUNNING).values_list(
        "pid", "worker"
    )
    for pid, worker in running:
        if pid and pid > 0 and worker.split("@")[-1] == host and ffmpeg.kill(pid):
            killed += 1
    return killed


def start_chunks(job: TranscodeJob, pieces: list[tuple[float, float]]) -> list[int]:
    """Replace the job's chunk rows with fresh ones and queue each on commit."""
    from .tasks import encode_chunk_task

    with transaction.atomic():
        TranscodeChunk.objects.filter(job=job).delete()
        chunks = TranscodeChunk.objects.bulk_create(
            TranscodeChunk(job=job, index=i, start=start, length=length)
            for i, (start, length) in enumerate(pieces)
        )
        ids = [c.pk for c in chunks]
        transaction.on_commit(lambda: [encode_chunk_task.delay(pk) for pk in ids])
    return ids


def claim_chunk(chunk_id: int, worker: str) -> TranscodeChunk | None:
    """Take a chunk; None when it is done or its job no longer runs."""
    with transaction.atomic():
        chunk = (
            TranscodeChunk.objects.select_for_update().select_related("job").filter(pk=chunk_id)
        ).first()
        if chunk is None or chunk.status == JobStatus.SUCCEEDED:
            return None
        if chunk.job.status != JobStatus.RUNNING:
            return None
        chunk.status = JobStatus.RUNNING
        chunk.attempts += 1
        chunk.worker = worker
        chunk.save()
    return chunk


def finish_chunk(chunk: TranscodeChunk) -> bool:
    """Mark a chunk done; True for exactly one caller once every chunk is done."""
    with transaction.atomic():
        TranscodeChunk.objects.filter(pk=chunk.pk).update(status=JobStatus.SUCCEEDED, pid=None)
        job = TranscodeJob.objects.select_for_update().get(pk=chunk.job_id)
        total = job.chunks.count()
        done = job.chunks.filter(status=JobStatus.SUCCEEDED).count()
        TranscodeJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            progress=round(99 * done / max(total, 1), 1), heartbeat_at=timezone.now()
        )
        if done < total or job.status != JobStatus.RUNNING or job.joining:
            return False
        TranscodeJob.objects.filter(pk=job.pk).update(joining=True)  # one joiner only
        return True


def remove_renditions(item_id: int) -> None:
    delete_prefix(reporting.target().storage(), renditions_prefix(item_id))
