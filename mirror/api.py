"""Central's HTTP API for mirrors. Every request is signed by the mirror's key.

GET  /mirror/api/feed/?since=N[&refresh=1]   signed JSON feed page (gzip)
GET  /mirror/api/files/<sha256>              a stored file; Range: bytes=N- resumes
POST /mirror/api/status/                     the mirror's report (version, disk, queue)
POST /mirror/api/results/<kind>/             a batch of results (see mirror/results.py)
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
import re
import time

from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_noop
from django.views.decorators.csrf import csrf_exempt

from .conf import mirror_settings
from .errors import both
from .feed import feed_page, refresh_feed
from .models import Mirror, TransferLog
from .results import get_result_kind
from .signing import load_public_key, own_private_key, request_message, sign, verify
from .store import FileStore, is_sha256

RANGE_RE = re.compile(r"^bytes=(\d+)-$")


def _error(status: int, message: str, **params) -> JsonResponse:
    thai, english = both(message, **params)
    return JsonResponse({"error": f"{thai} / {english}"}, status=status)


def mirror_request(view):
    """Check the mirror's signature, that its key is not revoked, and the clock."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        mirror_id = request.headers.get("X-Khlang-Mirror", "")
        stamp = request.headers.get("X-Khlang-Time", "")
        signature = request.headers.get("X-Khlang-Signature", "")
        mirror = Mirror.objects.select_related("school").filter(mirror_id=mirror_id).first()
        if mirror is None:
            return _error(403, gettext_noop("unknown mirror %(id)s"), id=repr(mirror_id))
        if mirror.is_revoked:
            return _error(403, gettext_noop("this mirror's key was revoked"))
        message = request_message(request.method, request.get_full_path(), stamp, request.body)
        if not verify(load_public_key(mirror.public_key), message, signature):
            return _error(403, gettext_noop("bad request signature"))
        try:
            skew = abs(time.time() - float(stamp))
        except ValueError:
            skew = float("inf")
        if skew > mirror_settings.CLOCK_SKEW_SECONDS:
            return _error(403, gettext_noop("the mirror's clock is too far off"))
        # A mirror relaying a live class signs a request every second or two:
        # its contact time is written at most once a minute.
        now = timezone.now()
        Mirror.objects.filter(pk=mirror.pk).filter(
            Q(last_contact__isnull=True) | Q(last_contact__lt=now - dt.timedelta(minutes=1))
        ).update(last_contact=now)
        request.mirror = mirror
        return view(request, *args, **kwargs)

    return wrapper


@mirror_request
def feed_view(request: HttpRequest) -> HttpResponse:
    mirror: Mirror = request.mirror
    try:
        since = max(int(request.GET.get("since", "0")), 0)
    except ValueError:
        return _error(400, gettext_noop("since must be a whole number"))
    if request.GET.get("refresh") == "1":
        refresh_feed()
    if mirror.resync_required and since > 0:
        since = 0  # the selection changed: start again (files already held are kept)
    if mirror.resync_required and since == 0:
        Mirror.objects.filter(pk=mirror.pk).update(resync_required=False)
    body = json.dumps(feed_page(mirror, since), ensure_ascii=False).encode()
    signature = sign(own_private_key(), body)
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(gzip.compress(body, 6), content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type="application/json")
    response["X-Khlang-Signature"] = signature
    return response


@mirror_request
def file_view(request: HttpRequest, sha: str) -> HttpResponse:
    """Serve one stored file, from the offset a ``Range: bytes=N-`` header asks."""
    if not is_sha256(sha):
        return _error(404, gettext_noop("no such file"))
    store = FileStore()
    path = store.path_for(sha)
    if not path.is_file():
        return _error(404, gettext_noop("no such file"))
    size = path.stat().st_size
    start = 0
    match = RANGE_RE.match(request.headers.get("Range", ""))
    if match:
        start = int(match.group(1))
        if start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
    if start:
        settle_cut_transfer(request.mirror, sha, start)
    log = TransferLog.objects.create(mirror=request.mirror, sha=sha, start=start)
    response = StreamingHttpResponse(
        _stream(path, start, log.pk), status=206 if match else 200,
        content_type="application/octet-stream",
    )  # fmt: skip
    response["Content-Length"] = str(size - start)
    response["Accept-Ranges"] = "bytes"
    if match:
        response["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
    return response


def settle_cut_transfer(mirror: Mirror, sha: str, start: int) -> None:
    """A mirror resuming at ``start`` proves how much of its last response for
    this file arrived. The server counts bytes handed to the socket, and a cut
    link leaves up to the kernel's and any proxy's buffers unsent (a whole
    small file), so the earlier row is corrected to what actually arrived."""
    last = TransferLog.objects.filter(mirror=mirror, sha=sha).order_by("-pk").first()
    if last is not None and last.start <= start < last.start + last.bytes_sent:
        TransferLog.objects.filter(pk=last.pk).update(bytes_sent=start - last.start)


def _stream(path, start: int, log_id: int):
    """Yield the file in chunks; record how many bytes actually went out."""
    chunk = int(mirror_settings.CHUNK_SIZE)
    sent = 0
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            while block := handle.read(chunk):
                yield block
                sent += len(block)
    finally:
        TransferLog.objects.filter(pk=log_id).update(bytes_sent=F("bytes_sent") + sent)


def json_body(request: HttpRequest, empty: bytes) -> object:
    """The request's JSON, gunzipped when the mirror compressed it (the signature
    covers the bytes as sent). Raises ValueError on anything else."""
    body = request.body or empty
    if request.headers.get("Content-Encoding") == "gzip":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as error:
            raise ValueError("bad gzip") from error
    return json.loads(body)


@mirror_request
def status_view(request: HttpRequest) -> HttpResponse:
    try:
        report = json_body(request, b"{}")
    except ValueError:
        return _error(400, gettext_noop("the body is not JSON"))
    fields = {
        "acked_version": int(report.get("applied_version", 0)),
        "disk_free_bytes": report.get("disk_free"),
        "bytes_pending": int(report.get("bytes_pending", 0)),
        "results_pending": int(report.get("results_pending", 0)),
        "last_error": str(report.get("error", ""))[:2000],
        "software_version": str(report.get("version", ""))[:32],
    }
    Mirror.objects.filter(pk=request.mirror.pk).update(**fields)
    _prune_transfer_log(request.mirror)
    return JsonResponse({"ok": True})


def _prune_transfer_log(mirror: Mirror) -> None:
    keep = int(mirror_settings.TRANSFER_LOG_KEEP)
    old = TransferLog.objects.filter(mirror=mirror).order_by("-pk")[keep:]
    TransferLog.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()


@mirror_request
def results_view(request: HttpRequest, kind: str) -> HttpResponse:
    result_kind = get_result_kind(kind)
    if result_kind is None:
        return _error(404, gettext_noop("unknown result kind %(kind)s"), kind=repr(kind))
    try:
        rows = json_body(request, b"[]")
    except ValueError:
        return _error(400, gettext_noop("the body is not JSON"))
    if not isinstance(rows, list):
        return _error(400, gettext_noop("the body must be a JSON list"))
    outcome = result_kind.accept(rows, request.mirror)
    return JsonResponse(outcome, status=400 if outcome.get("errors") else 200)
