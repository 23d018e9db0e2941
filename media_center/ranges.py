"""HTTP Range requests (RFC 9110 §14) for files Django sends itself.

Django's FileResponse always sends the whole file. A player seeking in the
download MP4, or a download manager resuming a 300 MB file over a school's
satellite link, needs ``206 Partial Content``. One byte range per request is
served (what players and download managers ask for); a request for several
ranges gets the whole file, which RFC 9110 allows. Behind nginx
(X-Accel-Redirect) nginx answers ranges itself and this is not used.
"""

from __future__ import annotations

import re
from email.utils import formatdate
from pathlib import Path

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

CHUNK_BYTES = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
UNSATISFIABLE = "unsatisfiable"


def parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """(first, last) byte, inclusive; UNSATISFIABLE; or None to send the whole file.

    None for no header, a header we do not understand, or several ranges: the
    RFC lets a server ignore those and answer 200.
    """
    match = _RANGE.match((header or "").replace(" ", ""))
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # "bytes=-500": the last 500 bytes
        length = int(last)
        if length == 0 or size == 0:
            return UNSATISFIABLE
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # invalid: ignored, whole file
    if start >= size:
        return UNSATISFIABLE
    return start, end


def _read(path: Path, start: int, length: int):
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK_BYTES, length))
            if not data:
                return
            length -= len(data)
            yield data


def file_response(request, path: Path, content_type: str | None) -> HttpResponse:
    """200 with the whole file, 206 with one range, or 416 for a range past the end."""
    stat = path.stat()
    last_modified = formatdate(stat.st_mtime, usegmt=True)
    wanted = parse_range(request.headers.get("Range", ""), stat.st_size)
    if_range = request.headers.get("If-Range")
    if if_range and if_range != last_modified:
        wanted = None  # the file changed since the client's first part: start over
    if wanted == UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{stat.st_size}"
    elif wanted is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
    else:
        start, end = wanted
        response = StreamingHttpResponse(
            _read(path, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{stat.st_size}"
    response["Accept-Ranges"] = "bytes"
    response["Last-Modified"] = last_modified
    return response
