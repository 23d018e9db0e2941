"""Wagtail's file-backed models (images, documents, wagtailmedia) as sync sources.

One generic source per model: scalar fields travel as JSON, each file field as
its storage name plus the sha256 of its bytes. On a mirror the file is linked
(or copied) from the content store to the same storage name and the row keeps
central's primary key, so pages and StreamField blocks that point at it by id
keep working. Wagtail's image renditions are derived and made again on demand.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_noop

from .base import FileRef, Record, SyncSource


def central_file_sha(path: Path) -> tuple[str, int]:
    """A media file's sha256 and size, hashed again only when it changed, and
    placed in central's content store (hard-linked when the disk allows)."""
    from ..models import CentralFile
    from ..store import FileStore, sha256_file

    stat = path.stat()
    memo = CentralFile.objects.filter(path=str(path)).first()
    store = FileStore()
    if memo and memo.size == stat.st_size and memo.mtime_ns == stat.st_mtime_ns:
        if store.has(memo.sha):
            return memo.sha, memo.size
    sha = sha256_file(path)
    if not store.has(sha):
        link_or_copy(path, store.partial_path(sha))
        store.commit_partial(sha)
    CentralFile.objects.update_or_create(
        path=str(path), defaults={"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha": sha}
    )
    return sha, stat.st_size


def stored_file_sha(storage, name: str) -> tuple[str, int] | None:
    """``central_file_sha`` for a file in any storage (core.storage); None when
    the file is gone.

    A local storage gives a path. On object storage the names are immutable
    (originals under a random folder, renditions under their version), so a name
    hashed once is not fetched again while its bytes are in the content store.
    """
    from core.storage import download, local_path

    from ..models import CentralFile
    from ..store import FileStore, sha256_file

    path = local_path(storage, name)
    if path is not None:
        return central_file_sha(path) if path.is_file() else None
    key = f"{getattr(storage, 'bucket_name', 'store')}:{getattr(storage, 'location', '')}/{name}"
    store = FileStore()
    memo = CentralFile.objects.filter(path=key).first()
    if memo and store.has(memo.sha):
        return memo.sha, memo.size
    incoming = store.root / "partial" / f"incoming-{os.getpid()}-{abs(hash(key))}"
    try:
        download(storage, name, incoming)
    except (FileNotFoundError, OSError):
        return None
    except Exception as exc:  # botocore's ClientError for a missing key
        if getattr(exc, "response", {}).get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
            return None
        raise
    sha, size = sha256_file(incoming), incoming.stat().st_size
    if store.has(sha):
        incoming.unlink()
    else:
        os.replace(incoming, store.partial_path(sha))
        store.commit_partial(sha)
    CentralFile.objects.update_or_create(
        path=key, defaults={"size": size, "mtime_ns": 0, "sha": sha}
    )
    return sha, size


def link_or_copy(source: Path, target: Path) -> None:
    """Put ``source``'s bytes at ``target`` atomically: a hard link, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def media_path(name: str) -> Path:
    """The path of a storage name under MEDIA_ROOT, refusing names that escape it."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if not name or os.path.isabs(name) or not path.is_relative_to(root):
        from ..errors import IntegrityError

        raise IntegrityError.pair(gettext_noop("unsafe file name: %(name)s"), name=repr(name))
    return path


class FileModelSource(SyncSource):
    """Any model with FileFields, keyed by primary key."""

    order = 40
    skip_fields = {"collection", "uploaded_by_user", "tags", "focal_point_key"}

    def __init__(self, label: str, name: str):
        self.label = label
        self.name = name

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def _fields(self) -> tuple[list[models.Field], list[models.FileField]]:
        scalars, files = [], []
        for field in self.model._meta.concrete_fields:
            if field.primary_key or field.name in self.skip_fields or field.is_relation:
                continue
            (files if isinstance(field, models.FileField) else scalars).append(field)
        return scalars, files

    def records(self) -> Iterable[Record]:
        scalars, file_fields = self._fields()
        for obj in self.model.objects.order_by("pk"):
            payload: dict[str, Any] = {
                "fields": {f.attname: _jsonable(f.value_from_object(obj)) for f in scalars},
                "files": {},
            }
            refs = []
            for field in file_fields:
                value = getattr(obj, field.attname)
                if not value or not value.name:
                    continue
                found = stored_file_sha(value.storage, value.name)
                if found is None:
                    continue  # a row whose file is gone is not worth sending
                sha, size = found
                payload["files"][field.attname] = {"name": value.name, "sha": sha}
                refs.append(FileRef(sha=sha, size=size, role=field.attname))
            yield Record(str(obj.pk), payload, refs)

    def apply(self, key, payload, files, store) -> None:
        from wagtail.models import Collection

        model = self.model
        values: dict[str, Any] = {}
        for name, value in payload["fields"].items():
            values[name] = None if value is None else model._meta.get_field(name).to_python(value)
        for name, ref in payload["files"].items():
            link_or_copy(store.path_for(ref["sha"]), media_path(ref["name"]))
            values[name] = ref["name"]
        if any(f.name == "collection" for f in model._meta.fields):
            values["collection"] = Collection.get_first_root_node()
        obj = model.objects.filter(pk=key).first() or model(pk=key)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()

    def delete(self, key: str) -> None:
        self.model.objects.filter(pk=key).delete()


def _jsonable(value: Any) -> Any:
    """A field value as plain JSON (dates as ISO text, decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


FILE_SOURCES = [
    FileModelSource("wagtailimages.Image", "wagtail.image"),
    FileModelSource("wagtaildocs.Document", "wagtail.document"),
    FileModelSource("wagtailmedia.Media", "wagtail.media"),
]
