"""Where files live: local folders in the embedded default, S3-compatible object
storage (django-storages, boto3) when web and worker hosts share nothing.

Django's ``STORAGES`` setting names every place a file may go:

- ``default``: Wagtail's images and documents (MEDIA_ROOT on disk);
- ``protected``: originals and renditions, served only through signed URLs
  (media_center's protected root on disk);
- ``staticfiles``: the site's own CSS and scripts, always on each host's disk.

``storage_backends`` builds that setting from ``KHLANG_STORAGE`` (settings.py
calls it; every default lives here). With ``S3_ENDPOINT`` and ``S3_BUCKET`` set,
``default`` and ``protected`` become two prefixes of one bucket, both private:
a file leaves only through a short-lived presigned URL given out after the
site's own access check (``signed_url``).

The rest of this module is the small set of operations the apps need on any
storage, so a task never asks which kind it holds: fetch a file to a local
path (``fetched``), publish a finished folder (``put_folder``), list and delete
a prefix. Local storages take the short way (a path, a rename); object storage
streams through boto3.
"""

from __future__ import annotations

import contextlib
import mimetypes
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

from .conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # S3-compatible object storage: all five set (MinIO, Ceph, AWS S3, ...), or none.
    "S3_ENDPOINT": "",
    "S3_BUCKET": "",
    "S3_ACCESS_KEY": "",
    "S3_SECRET_KEY": "",
    "S3_REGION": "us-east-1",
    # The address browsers reach the store at, when it differs from the hosts'
    # (docker: http://minio:9000 inside, https://files.example.org outside).
    "S3_PUBLIC_ENDPOINT": "",
    # Life of a presigned URL, in seconds: long enough for a player to fetch one
    # segment or a download manager to start, short enough not to be worth sharing.
    "SIGNED_URL_TTL": 300,
    # Where a host works on files it fetched (a transcode's source and output);
    # every job makes its own folder inside and removes it when done.
    "SCRATCH_DIR": lambda: str(Path(tempfile.gettempdir()) / "khlang-scratch"),
}

storage_settings = AppSettings("KHLANG_STORAGE", DEFAULTS)

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


def s3_enabled(given: dict) -> bool:
    return bool(given.get("S3_ENDPOINT") and given.get("S3_BUCKET"))


def s3_options(given: dict, location: str) -> dict:
    """django-storages options for one prefix of the bucket (path-style, private)."""
    conf = {**DEFAULTS, **given}
    return {
        "bucket_name": conf["S3_BUCKET"],
        "endpoint_url": conf["S3_ENDPOINT"],
        "access_key": conf["S3_ACCESS_KEY"] or None,
        "secret_key": conf["S3_SECRET_KEY"] or None,
        "region_name": conf["S3_REGION"],
        "location": location,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": conf["SIGNED_URL_TTL"],
        "file_overwrite": True,
        "signature_version": "s3v4",
        "addressing_style": "path",
    }


def storage_backends(given: dict, staticfiles_backend: str, protected_backend: str) -> dict:
    """The STORAGES setting: local folders, or the bucket when S3 is configured."""
    storages_setting = {
        "default": {"BACKEND": FILESYSTEM},
        "protected": {"BACKEND": protected_backend, "OPTIONS": {"allow_overwrite": True}},
        "staticfiles": {"BACKEND": staticfiles_backend},
    }
    if s3_enabled(given):
        storages_setting["default"] = {"BACKEND": S3, "OPTIONS": s3_options(given, "media")}
        storages_setting["protected"] = {
            "BACKEND": S3,
            "OPTIONS": s3_options(given, "protected"),
        }
    return storages_setting


def browser_origins(given: dict) -> list[str]:
    """Origins the browser fetches files from (for the Content-Security-Policy)."""
    if not s3_enabled(given):
        return []
    url = given.get("S3_PUBLIC_ENDPOINT") or given["S3_ENDPOINT"]
    return [url.rstrip("/")]


class NamedStorage(LazyObject):
    """``storages[alias]``, looked up again after STORAGES changes (as
    ``default_storage`` is): a model field may hold it from import time."""

    def __init__(self, alias: str):
        self.__dict__["_alias"] = alias
        super().__init__()

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]

    def __call__(self):  # a FileField may take it as its storage callable
        return self


_named: list[NamedStorage] = []


def named_storage(alias: str) -> NamedStorage:
    found = NamedStorage(alias)
    _named.append(found)
    return found


def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting in {"STORAGES", "KHLANG_STORAGE", "MEDIA_ROOT"}:
        for proxy in _named:
            proxy._wrapped = empty


setting_changed.connect(_reset, weak=False)


# --- Operations on any storage ---------------------------------------------------


def local_path(storage: Storage, name: str) -> Path | None:
    """The file's path when the storage is a local folder, else None."""
    try:
        return Path(storage.path(name))
    except NotImplementedError:
        return None


def is_local(storage: Storage) -> bool:
    return local_path(storage, "probe") is not None


def scratch_dir(prefix: str) -> Path:
    """A fresh, empty folder of this host's own, for one piece of work."""
    root = Path(storage_settings.SCRATCH_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=root))


def _key(storage: Storage, name: str) -> str:
    return posixpath.join(getattr(storage, "location", "") or "", name).lstrip("/")


def download(storage: Storage, name: str, target: Path) -> Path:
    """Copy one stored file to ``target`` (a local path), streamed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        bucket.download_file(_key(storage, name), str(target))
    else:
        with storage.open(name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
    return target


@contextlib.contextmanager
def fetched(storage: Storage, name: str, scratch: Path | None = None) -> Iterator[Path]:
    """A local path holding the stored file: the file itself on a local storage,
    else a copy in a scratch folder removed afterwards (or in ``scratch``, left
    for its owner to remove)."""
    path = local_path(storage, name)
    if path is not None:
        yield path
        return
    folder = scratch or scratch_dir("fetch")
    try:
        yield download(storage, name, folder / posixpath.basename(name))
    finally:
        if scratch is None:
            shutil.rmtree(folder, ignore_errors=True)


def put_file(storage: Storage, path: Path, name: str) -> None:
    """Store a local file under exactly ``name`` (replacing what was there)."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        extra = {"ContentType": kind}
        if path.suffix in {".ts", ".m4s", ".jpg", ".vtt", ".m3u8"}:
            extra["CacheControl"] = "private, max-age=31536000, immutable"
        bucket.upload_file(str(path), _key(storage, name), ExtraArgs=extra)
        return
    if storage.exists(name):
        storage.delete(name)
    with open(path, "rb") as handle:
        saved = storage.save(name, File(handle))
    if saved != name:
        raise OSError(f"stored as {saved!r}, not {name!r}")


def put_folder(storage: Storage, folder: Path, prefix: str) -> int:
    """Publish every file under ``folder`` as ``prefix/<relative name>``.

    On a local storage the folder is renamed into place in one step (or copied
    when the scratch folder sits on another disk); on object storage each file
    is uploaded. Returns the number of files.
    """
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
    target = local_path(storage, prefix)
    if target is not None:
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), str(target))
        return len(files)
    for path in files:
        put_file(storage, path, posixpath.join(prefix, path.relative_to(folder).as_posix()))
    return len(files)


def list_files(storage: Storage, prefix: str) -> list[str]:
    """Every file under ``prefix``, as names relative to it (sorted)."""
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        key = _key(storage, prefix).rstrip("/") + "/"
        return sorted(obj.key[len(key) :] for obj in bucket.objects.filter(Prefix=key))
    found: list[str] = []
    try:
        folders, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found += files
    for sub in folders:
        found += [f"{sub}/{name}" for name in list_files(storage, posixpath.join(prefix, sub))]
    return sorted(found)


def fetched_folder(storage: Storage, prefix: str, target: Path) -> Path:
    """A local folder holding every file under ``prefix``: the folder itself on a
    local storage, else copies downloaded into ``target``."""
    path = local_path(storage, prefix)
    if path is not None:
        return path
    target.mkdir(parents=True, exist_ok=True)
    for name in list_files(storage, prefix):
        download(storage, posixpath.join(prefix, name), target / name)
    return target


def newest_time(storage: Storage, prefix: str) -> float | None:
    """When anything under ``prefix`` last changed (seconds since the epoch)."""
    path = local_path(storage, prefix)
    if path is not None:
        return path.stat().st_mtime if path.exists() else None
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        key = _key(storage, prefix).rstrip("/") + "/"
        times = [obj.last_modified.timestamp() for obj in bucket.objects.filter(Prefix=key)]
        return max(times, default=None)
    times = [
        storage.get_modified_time(posixpath.join(prefix, name)).timestamp()
        for name in list_files(storage, prefix)
    ]
    return max(times, default=None)


def list_folders(storage: Storage, prefix: str) -> list[str]:
    try:
        return sorted(storage.listdir(prefix)[0])
    except (FileNotFoundError, NotADirectoryError):
        return []


def delete_prefix(storage: Storage, prefix: str) -> None:
    """Remove everything under ``prefix`` (a folder, or a key prefix)."""
    path = local_path(storage, prefix)
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)
        return
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:
        bucket.objects.filter(Prefix=_key(storage, prefix).rstrip("/") + "/").delete()
        return
    for name in list_files(storage, prefix):
        storage.delete(posixpath.join(prefix, name))


def stream(storage: Storage, name: str) -> tuple[Iterator[bytes], int]:
    """The stored file's bytes as an iterator of pieces, and its length.

    Raises FileNotFoundError when there is no such file.
    """
    bucket = getattr(storage, "bucket", None)
    if bucket is None:
        handle = storage.open(name, "rb")
        return iter(lambda: handle.read(256 * 1024), b""), storage.size(name)
    try:
        answer = bucket.Object(_key(storage, name)).get()
    except Exception as exc:  # botocore's ClientError: NoSuchKey and its kin
        raise FileNotFoundError(name) from exc
    return answer["Body"].iter_chunks(256 * 1024), int(answer["ContentLength"])


def signed_url(storage: Storage, name: str, *, public: bool = True) -> str:
    """A presigned URL for one stored file, valid SIGNED_URL_TTL seconds.

    ``public``: signed for the address browsers use (S3_PUBLIC_ENDPOINT when set);
    otherwise for the hosts' own address (nginx fetching on the browser's behalf).
    """
    conf = storage_settings
    public_endpoint = conf.S3_PUBLIC_ENDPOINT
    if public and public_endpoint and hasattr(storage, "bucket"):
        import boto3
        from boto3.session import Config

        client = boto3.client(
            "s3",
            endpoint_url=public_endpoint,
            aws_access_key_id=conf.S3_ACCESS_KEY or None,
            aws_secret_access_key=conf.S3_SECRET_KEY or None,
            region_name=conf.S3_REGION,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )
        return client.generate_presigned_url(
            "get_object",
            Params={"Bucket": storage.bucket_name, "Key": _key(storage, name)},
            ExpiresIn=conf.SIGNED_URL_TTL,
        )
    return storage.url(name, expire=conf.SIGNED_URL_TTL)


def storage_is_remote() -> bool:
    return s3_enabled(getattr(settings, "KHLANG_STORAGE", {}) or {})
