"""A tus 1.0 server (core protocol + creation + termination) for big uploads.

PATCH bodies are streamed from the socket to the ``.part`` file in 1 MiB pieces:
the server never holds a file in memory. After a dropped connection the client
asks HEAD for the offset and sends the rest. The file itself is the record of
what arrived (it is only ever appended to), so a worker killed mid-PATCH loses
nothing that reached the disk: the next HEAD reports the file's length. One
PATCH writes at a time (a lock on the file); a second gets 423 and retries.
Only signed-in users who may upload media can create uploads, and only their
own uploads can be resumed.
"""

from __future__ import annotations

import base64
import fcntl
import os

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect

from .access import can_upload
from .conf import media_settings
from .models import TusUpload, upload_storage

TUS_VERSION = "1.0.0"
CHUNK = 1024 * 1024


def _response(status: int, **headers) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for key, value in headers.items():
        response[key.replace("_", "-")] = str(value)
    return response


def parse_metadata(header: str) -> dict[str, str]:
    """``Upload-Metadata: filename d29ybGQ=,type dmlkZW8=`` → dict (bad pairs skipped)."""
    result = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            result[key] = base64.b64decode(value).decode("utf-8") if value else ""
        except (ValueError, UnicodeDecodeError):
            continue
    return result


@csrf_protect
def tus_create(request):
    if request.method == "OPTIONS":
        return _response(
            204,
            Tus_Version=TUS_VERSION,
            Tus_Extension="creation,termination",
            Tus_Max_Size=media_settings.MAX_UPLOAD_BYTES,
        )
    if request.method != "POST":
        return _response(405)
    if not can_upload(request.user):
        return _response(403)
    try:
        length = int(request.headers.get("Upload-Length", ""))
    except ValueError:
        return _response(400)
    if length < 0:
        return _response(400)
    if length > media_settings.MAX_UPLOAD_BYTES:
        return _response(413)
    metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    filename = os.path.basename(metadata.get("filename", ""))[:200]
    upload = TusUpload.objects.create(
        user=request.user, length=length, filename=filename, metadata=metadata
    )
    path = upload_storage.path(upload.path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    open(path, "wb").close()
    location = request.build_absolute_uri(reverse("media_center:tus_upload", args=[upload.pk]))
    return _response(201, Location=location, Upload_Offset=0)


@csrf_protect
def tus_upload(request, upload_id):
    upload = TusUpload.objects.filter(pk=upload_id, user_id=request.user.pk or -1).first()
    if upload is None or upload.claimed:
        return _response(404)
    if request.method == "HEAD":
        offset = _arrived(upload)
        return _response(200, Upload_Offset=offset, Upload_Length=upload.length)
    if request.method == "DELETE":
        upload_storage.delete(upload.path)
        upload.delete()
        return _response(204)
    if request.method != "PATCH":
        return _response(405)
    if request.headers.get("Content-Type") != "application/offset+octet-stream":
        return _response(415)
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
    except ValueError:
        return _response(400)
    with open(upload_storage.path(upload.path), "r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # an earlier PATCH of this upload is still writing
            return _response(423)
        upload.offset = _arrived(upload)
        if offset != upload.offset:
            return _response(409, Upload_Offset=upload.offset)
        written = _append(request, upload, handle)
    TusUpload.objects.filter(pk=upload.pk).update(offset=upload.offset + written)
    return _response(204, Upload_Offset=upload.offset + written)


def _arrived(upload: TusUpload) -> int:
    """Bytes stored: the file's length (the stored offset lags after a killed write)."""
    try:
        on_disk = os.path.getsize(upload_storage.path(upload.path))
    except OSError:
        return upload.offset
    if on_disk != upload.offset:
        TusUpload.objects.filter(pk=upload.pk).update(offset=on_disk)
    return min(on_disk, upload.length)


def _append(request, upload: TusUpload, handle) -> int:
    """Copy the body to the file at the upload's offset; returns bytes written.

    A body cut short (dropped link) keeps what arrived: the offset then tells the
    client where to resume. Each piece is flushed as it comes, so the file's
    length is always what arrived.
    """
    room = upload.length - upload.offset
    written = 0
    handle.seek(upload.offset)
    handle.truncate()
    while written < room:
        try:
            piece = request.read(min(CHUNK, room - written))
        except OSError:
            break
        if not piece:
            break
        handle.write(piece)
        handle.flush()
        written += len(piece)
    return written
