"""Bad luck on the embedded default: `python -m bench.faults [--quick]`.

`manage.py khlang_run` (the `make run` supervisor: runserver + a Celery worker
with beat, SQLite database and broker) is started on a scratch var/. Then:

1. a video is uploaded and, mid-encode, the worker's whole process group gets
   SIGKILL. khlang_run restarts it; the job's heartbeat goes silent, the sweep
   requeues it, it is claimed once and finishes. Measured: encode_recovery_s
   (kill -> job succeeded), jobs_marked_failed_wrongly, duplicate_ffmpeg_runs
   (samples where two ffmpeg processes encoded the item at once; the killed
   worker's ffmpeg must die with it).
2. an upload is going through the web process when it gets SIGKILL. Measured:
   site_down_s (kill -> /healthz answers again), and that the upload resumes
   from the offset the server reports and the stored file is intact.
The last line is JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ._nginx import free_port
from ._setup import django_on_scratch_database

ROOT = Path(__file__).resolve().parents[1]
FORM = {
    "title": "bench", "type": "video", "language": "th", "licence": "cc-by",
    "copyright_holder": "bench", "visibility": "public",
}  # fmt: skip


def children_of(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append((int(entry.name), cmdline))
    return found


def ffmpeg_on(path: str) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv and os.path.basename(argv[0]) == b"ffmpeg" and path.encode() in argv:
                count += 1
    return count


def healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False


def wait(what, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(step)
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    os.environ.update({"KHLANG_ENV": "dev", "DEBUG": "false", "LOG_LEVEL": "WARNING"})
    var = Path(django_on_scratch_database())
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client
    from django.urls import reverse

    from media_center.models import MediaItem, TusUpload, protected_storage, upload_storage
    from transcoding.models import JobStatus
    from transcoding.samples import make_clip

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("bench", password="x-long-pass-1")
    browser = Client()
    browser.force_login(user)
    port = free_port()
    log = open(var / "khlang_run.log", "w")
    run = subprocess.Popen(
        [sys.executable, "manage.py", "khlang_run", "--addr", f"127.0.0.1:{port}",
         "--concurrency", "1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    result: dict = {"bench": "faults", "quick": quick}
    try:
        wait(lambda: healthy(port), 120)
        # 1. the worker dies mid-encode
        clip = make_clip(var / "lesson.mp4", width=854, height=480, seconds=30 if quick else 90)
        upload_id = _tus_in_process(browser, clip.read_bytes())
        browser.post(reverse("media_center:upload"), {**FORM, "upload_id": upload_id})
        item = MediaItem.objects.latest("pk")
        source = protected_storage.path(item.file.name)
        job = item.transcode_jobs.get()
        running = wait(lambda: ffmpeg_on(source) and job.__class__.objects.get(pk=job.pk), 180)
        time.sleep(3)  # well into the encode
        worker = next(pid for pid, cmd in children_of(run.pid) if "celery" in cmd)
        killed_at = time.monotonic()
        os.killpg(worker, signal.SIGKILL)
        duplicates = 0

        def finished():
            nonlocal duplicates
            duplicates += ffmpeg_on(source) > 1
            state = job.__class__.objects.get(pk=job.pk).status
            return state if state in (JobStatus.SUCCEEDED, JobStatus.FAILED) else None

        state = wait(finished, 300)
        item.refresh_from_db()
        result.update({
            "job_was_running": bool(running),
            "encode_recovery_s": round(time.monotonic() - killed_at, 1),
            "job_final": state,
            "jobs_marked_failed_wrongly": int(
                state != JobStatus.SUCCEEDED or item.status == "failed"
            ),
            "duplicate_ffmpeg_runs": duplicates,
        })  # fmt: skip
        print(json.dumps(result), file=sys.stderr)
        # 2. the web process dies mid-upload
        csrf = _get_new_csrf_string()
        cookie = f"sessionid={browser.cookies['sessionid'].value}; csrftoken={csrf}"
        result.update(web_crash(run, port, cookie, csrf, TusUpload, upload_storage))
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=60)
        log.close()
    result["restarts_announced"] = (var / "khlang_run.log").read_text().count("restarting it")
    print(json.dumps(result))


def _tus_in_process(browser, data: bytes) -> str:
    """One-piece tus upload through the in-process client (the source video)."""
    created = browser.post("/media-center/tus/", HTTP_TUS_RESUMABLE="1.0.0",
                           HTTP_UPLOAD_LENGTH=str(len(data)))  # fmt: skip
    location = created["Location"]
    browser.generic("PATCH", location, data, content_type="application/offset+octet-stream",
                    HTTP_UPLOAD_OFFSET="0", HTTP_TUS_RESUMABLE="1.0.0")  # fmt: skip
    return location.rstrip("/").split("/")[-1]


def web_crash(run, port, cookie, csrf, TusUpload, storage) -> dict:
    size = 4 * 1000 * 1000
    data = os.urandom(size)
    headers = {"Tus-Resumable": "1.0.0", "X-CSRFToken": csrf, "Cookie": cookie}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/media-center/tus/", headers={**headers, "Upload-Length": str(size)})
    created = conn.getresponse()
    created.read()
    location = "/" + created.headers["Location"].split("/", 3)[3]

    def slow_body():
        for start in range(0, size, 64 * 1024):
            yield data[start : start + 64 * 1024]
            time.sleep(0.05)

    def send():
        try:
            patch = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            patch.request("PATCH", location, body=slow_body(), headers={
                **headers, "Upload-Offset": "0", "Content-Length": str(size),
                "Content-Type": "application/offset+octet-stream"})  # fmt: skip
            patch.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    time.sleep(1.5)
    web = next(pid for pid, cmd in children_of(run.pid) if "runserver" in cmd)
    killed_at = time.monotonic()
    os.killpg(web, signal.SIGKILL)
    time.sleep(0.3)
    wait(lambda: healthy(port), 60, step=0.1)
    down = time.monotonic() - killed_at
    sender.join(timeout=60)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("HEAD", location, headers=headers)
    answer = conn.getresponse()
    answer.read()
    kept = int(answer.headers["Upload-Offset"])
    conn.request("PATCH", location, body=data[kept:], headers={
        **headers, "Upload-Offset": str(kept),
        "Content-Type": "application/offset+octet-stream"})  # fmt: skip
    done = conn.getresponse()
    done.read()
    upload = TusUpload.objects.get(pk=location.rstrip("/").split("/")[-1])
    stored = Path(storage.path(upload.path)).read_bytes()
    return {
        "site_down_s": round(down, 1),
        "upload_bytes_kept_after_crash": kept,
        "upload_resumed_sha256_match": hashlib.sha256(stored).digest()
        == hashlib.sha256(data).digest(),
    }


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    main()
