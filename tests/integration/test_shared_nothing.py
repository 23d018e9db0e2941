"""Hosts that share nothing but the database, the broker and object storage.

The suite starts an S3 server of its own (moto's server mode, which speaks the
S3 protocol over HTTP), the web process (the live server, with its own folders)
and two transcode workers as separate processes, each with its own empty var/,
media, protected and scratch folders. A long video uploaded through the site is
cut into chunks encoded by both workers; the join fetches the chunks from the
store; Chromium plays it, every file read from the store by the web process
after its access check (the download copy by a presigned URL); a school mirror
syncs it. Afterwards no host holds a rendition on its disk.

A second test runs against a real MinIO or S3 when KHLANG_S3_ENDPOINT is set.

Why this module is long: one scenario across four processes, in order; its
fixtures (the store, the hosts, the mirror) only make sense together.
"""

from __future__ import annotations

import os
import socket
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from core.storage import storage_backends
from media_center.models import MediaItem, Status
from mirror.devsites import Site, cached_template, free_port
from mirror.signing import generate_private_key, load_private_key, public_key_text
from tests.media_center.conftest import tus_upload
from transcoding import samples
from transcoding.models import JobStatus

from .conftest import SESSION_WORKER, start_worker, stop_worker, wait_until, worker_database_url

BUCKET = "khlang-shared-nothing"
KEYS = {"S3_ACCESS_KEY": "khlang-test", "S3_SECRET_KEY": "khlang-test-secret"}
ENVIRONMENT_NAMES = {
    "S3_ENDPOINT": "KHLANG_S3_ENDPOINT",
    "S3_BUCKET": "KHLANG_S3_BUCKET",
    "S3_ACCESS_KEY": "KHLANG_S3_ACCESS_KEY",
    "S3_SECRET_KEY": "KHLANG_S3_SECRET_KEY",
    "S3_REGION": "KHLANG_S3_REGION",
}


def s3_client(conf: dict):
    return boto3.client(
        "s3",
        endpoint_url=conf["S3_ENDPOINT"],
        aws_access_key_id=conf["S3_ACCESS_KEY"],
        aws_secret_access_key=conf["S3_SECRET_KEY"],
        region_name=conf.get("S3_REGION", "us-east-1"),
    )


@pytest.fixture(scope="module")
def moto_store():
    """An S3 server on a free loopback port, with one empty bucket."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    conf = {"S3_ENDPOINT": f"http://127.0.0.1:{port}", "S3_BUCKET": BUCKET, **KEYS}
    s3_client(conf).create_bucket(Bucket=BUCKET)
    yield conf
    server.stop()


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def host_folders(root: Path) -> dict[str, Path]:
    folders = {name: root / name for name in ("var", "media", "protected", "scratch")}
    for folder in folders.values():
        folder.mkdir(parents=True)
    return folders


def host_environment(folders: dict[str, Path], conf: dict) -> dict[str, str]:
    """A host's own folders and the shared store, as its environment says them."""
    return {
        "KHLANG_VAR_DIR": str(folders["var"]),
        "MEDIA_ROOT": str(folders["media"]),
        "KHLANG_PROTECTED_ROOT": str(folders["protected"]),
        "KHLANG_SCRATCH_DIR": str(folders["scratch"]),
        **{ENVIRONMENT_NAMES[k]: str(v) for k, v in conf.items() if k in ENVIRONMENT_NAMES},
    }


def web_on_store(settings, folders: dict[str, Path], conf: dict) -> None:
    """This process (and its live server) as the web host: its own folders, the store."""
    settings.KHLANG_STORAGE = {**conf, "SCRATCH_DIR": str(folders["scratch"])}
    settings.STORAGES = storage_backends(
        conf,
        staticfiles_backend=settings.STORAGES["staticfiles"]["BACKEND"],
        protected_backend="media_center.storage.ProtectedStorage",
    )
    settings.MEDIA_ROOT = str(folders["media"])
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(folders["protected"])}
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    for name in ("img-src", "media-src", "connect-src"):
        directives[name] = [*directives[name], conf["S3_ENDPOINT"]]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}


@pytest.fixture
def two_workers(django_db_blocker, tmp_path, moto_store):
    """Two transcode hosts, each with its own empty folders; the suite's own
    worker (when it runs) stops taking transcode work meanwhile."""
    from khlang.celery import app

    session_worker = SESSION_WORKER.replace("%h", socket.gethostname())
    app.control.cancel_consumer("transcode", destination=[session_worker], reply=True, timeout=2)
    app.control.purge()
    url = worker_database_url(django_db_blocker)
    hosts = {}
    for name in ("host-a", "host-b"):
        folders = host_folders(tmp_path / name)
        process = start_worker(
            url, tmp_path / f"{name}.log", queues="transcode", hostname=f"{name}@%h",
            concurrency=1, **host_environment(folders, moto_store),
        )  # fmt: skip
        hosts[name] = (process, folders)
    yield hosts
    for process, _ in hosts.values():
        stop_worker(process)
    app.control.add_consumer("transcode", destination=[session_worker], reply=True, timeout=2)


def upload_video(client, make_user, school, seconds: int, tmp_path) -> MediaItem:
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    client.force_login(make_user("kru-s3", role="teacher", school=school))
    clip = samples.make_clip(tmp_path / "lesson.mp4", width=256, height=144, seconds=seconds)
    form = {
        "title": "บทเรียนยาว", "type": "video", "language": "th", "licence": "cc-by",
        "copyright_holder": "สพป.", "visibility": "public",
        "upload_id": tus_upload(client, clip.read_bytes()),
    }  # fmt: skip
    assert client.post(reverse("media_center:upload"), form).status_code == 302
    item = MediaItem.objects.get()

    def finished():
        item.refresh_from_db()
        return item.status in (Status.READY, Status.FAILED)

    wait_until(finished, timeout=300, what="the two workers to transcode the video")
    assert item.status == Status.READY, item.error_message
    return item


def play_in_chromium(page, live_server, item) -> list[str]:
    """Play the item; returns the addresses of the segments it played."""
    segments: list[str] = []
    seen: list[str] = []
    page.on("console", lambda message: seen.append(f"console: {message.text}"))
    page.on("requestfailed", lambda r: seen.append(f"failed: {r.url} {r.failure}"))

    def on_response(response):
        seen.append(f"{response.status} {response.url[:160]}")
        if ".ts" in response.url and response.ok:
            segments.append(response.url)

    page.on("response", on_response)
    page.goto(f"{live_server.url}{reverse('media_center:detail', args=[item.pk])}")
    try:
        page.locator("button[data-play]").first.click()
        page.wait_for_selector("video#player")
        page.wait_for_function("() => document.querySelector('video#player').readyState >= 1")
        page.eval_on_selector("video#player", "v => { v.muted = true; return v.play(); }")
        page.wait_for_function(
            "() => document.querySelector('video#player').currentTime > 2", timeout=60_000
        )
    except Exception as exc:
        pytest.fail(f"the video did not play ({exc}):\n" + "\n".join(seen[-40:]))
    return segments


def mirror_site(tmp_path: Path, central_url: str, central_key: str) -> Site:
    """A school mirror on its own SQLite database and folders, on local disk."""
    import shutil

    folder = tmp_path / "mirror"
    folder.mkdir()
    shutil.copyfile(cached_template(), folder / "db.sqlite3")
    env = {
        "KHLANG_ENV": "test",
        "DEBUG": "false",
        "KHLANG_ROLE": "mirror",
        "KHLANG_VAR_DIR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "KHLANG_MIRROR_SIGNING_KEY": generate_private_key(),
        "KHLANG_MIRROR_MIN_FREE_BYTES": "0",
        "KHLANG_MIRROR_ID": "school-s3",
        "KHLANG_MIRROR_CENTRAL_URL": central_url,
        "KHLANG_MIRROR_CENTRAL_PUBLIC_KEY": public_key_text(load_private_key(central_key)),
    }
    return Site("mirror", folder, env)


@pytest.mark.django_db(transaction=True)
def test_web_and_two_workers_share_only_the_store(
    two_workers, moto_store, live_server, client, make_user, school, settings, tmp_path,
    page,
):  # fmt: skip
    web = host_folders(tmp_path / "web")
    web_on_store(settings, web, moto_store)
    central_key = generate_private_key()
    settings.KHLANG_MIRROR = {
        **settings.KHLANG_MIRROR,
        "SIGNING_KEY": central_key,
        "STORE_DIR": str(web["var"] / "content"),
    }
    # The job carries its chunk length, so the workers follow this test's setting.
    settings.TRANSCODING = {**settings.TRANSCODING, "CHUNK_SECONDS": 4}

    item = upload_video(client, make_user, school, seconds=16, tmp_path=tmp_path)

    job = item.transcode_jobs.get()
    assert job.status == JobStatus.SUCCEEDED
    chunks = list(job.chunks.order_by("index"))
    assert len(chunks) >= 3 and all(c.status == JobStatus.SUCCEEDED for c in chunks)
    assert {c.worker.split("@")[0] for c in chunks} == {"host-a", "host-b"}
    # Everything is in the store; the chunks were removed after the join.
    listed = s3_client(moto_store).list_objects_v2(Bucket=BUCKET, Prefix="protected/")
    keys = [entry["Key"] for entry in listed.get("Contents", [])]
    prefix = f"protected/renditions/{item.pk}/{item.rendition_version}/"
    assert f"{prefix}master.m3u8" in keys and f"{prefix}download.mp4" in keys
    assert any(k.startswith(f"{prefix}144p/") and k.endswith(".ts") for k in keys)
    assert not any(".chunks" in k for k in keys)
    assert any(k.startswith("protected/originals/") for k in keys)
    # No host keeps a file: the workers' scratch is empty, no disk holds a rendition.
    for name, (_, folders) in two_workers.items():
        for kind in ("scratch", "protected", "media"):
            assert files_under(folders[kind]) == [], (name, kind)
    assert files_under(web["protected"] / "renditions") == []
    assert files_under(web["scratch"]) == []

    # Chromium plays it: every file through the site's access check, from the store.
    segments = play_in_chromium(page, live_server, item)
    assert segments and all("/media-center/files/" in url for url in segments)
    assert files_under(web["protected"] / "renditions") == []
    # The download copy leaves the store by a short-lived presigned URL.
    download = client.get(item.play_url)
    assert download.status_code == 302
    presigned = download["Location"]
    assert presigned.startswith(moto_store["S3_ENDPOINT"]) and "X-Amz-Signature=" in presigned
    assert "X-Amz-Expires=300" in presigned
    stored = s3_client(moto_store).get_object(Bucket=BUCKET, Key=f"{prefix}download.mp4")
    assert urllib.request.urlopen(presigned, timeout=10).read() == stored["Body"].read()

    # A school mirror syncs it from central, which reads the store.
    # Central here is the suite's database, not a copy of the mirror's template,
    # so its Wagtail page tree would clash with the mirror's own home page; pages
    # travel in tests/integration/test_mirror.py, this sync is about the video.
    Page.objects.filter(depth__gt=1).delete()
    mirror = mirror_site(tmp_path, live_server.url, central_key)
    mirror_public = public_key_text(load_private_key(mirror.env["KHLANG_MIRROR_SIGNING_KEY"]))
    call_command(
        "mirror_register", "school-s3", "--school", school.code, "--public-key", mirror_public
    )
    mirror.manage("mirror_sync", "--force")
    local = mirror.folder / "protected" / "renditions" / str(item.pk) / item.rendition_version
    assert (local / "master.m3u8").is_file()
    assert files_under(local / "144p")
    assert files_under(web["protected"] / "renditions") == []


@pytest.mark.skipif(
    not os.environ.get("KHLANG_S3_ENDPOINT"),
    reason="a live object store is tested only when KHLANG_S3_ENDPOINT is set",
)
@pytest.mark.django_db
def test_live_object_store_round_trip(settings, tmp_path):
    """Against a real MinIO or S3 (docker-compose.yml's minio): store, list, sign, fetch, remove."""
    from core import storage as files

    conf = {
        "S3_ENDPOINT": os.environ["KHLANG_S3_ENDPOINT"],
        "S3_BUCKET": os.environ.get("KHLANG_S3_BUCKET", "khlang"),
        "S3_ACCESS_KEY": os.environ.get("KHLANG_S3_ACCESS_KEY", ""),
        "S3_SECRET_KEY": os.environ.get("KHLANG_S3_SECRET_KEY", ""),
    }
    settings.KHLANG_STORAGE = conf
    settings.STORAGES = storage_backends(
        conf, settings.STORAGES["staticfiles"]["BACKEND"], "media_center.storage.ProtectedStorage"
    )
    from media_center.storage import protected_storage

    folder = tmp_path / "out"
    (folder / "144p").mkdir(parents=True)
    (folder / "144p" / "seg_00001.ts").write_bytes(b"segment")
    (folder / "master.m3u8").write_text("#EXTM3U\n")
    prefix = f"renditions/live-{uuid.uuid4().hex}"
    files.put_folder(protected_storage, folder, prefix)
    try:
        assert files.list_files(protected_storage, prefix) == ["144p/seg_00001.ts", "master.m3u8"]
        url = files.signed_url(protected_storage, f"{prefix}/144p/seg_00001.ts")
        assert urllib.request.urlopen(url, timeout=10).read() == b"segment"
    finally:
        files.delete_prefix(protected_storage, prefix)
    assert files.list_files(protected_storage, prefix) == []
