"""What a document or picture really is, judged by its bytes (never its name).

Every refusal is a ``FileCheckError`` whose text is Thai first, then English,
and names no server path. Pictures are refused before decoding when their
declared size is absurd (a decompression bomb: a few KB that would expand to
gigabytes); PDFs are refused when they also carry HTML or script markup (a
polyglot a browser could be tricked into running).
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from core.i18n import bilingual


class FileCheckError(ValueError):
    """Thai first, then English."""


# 50 megapixels: more than any classroom picture, far below what exhausts a worker.
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
_MARKUP = re.compile(rb"<\s*(html|script|svg|iframe|body|!doctype\s+html)\b", re.IGNORECASE)
_SCAN_BYTES = 1024 * 1024


def _max_pixels() -> int:
    return settings.MEDIA_CENTER.get("MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS)


def check_document(path: str | Path) -> str:
    """'pdf' or 'epub'; raises FileCheckError for anything else or a broken file."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(_SCAN_BYTES)
        handle.seek(max(0, path.stat().st_size - 2048))
        tail = handle.read()
    if head.startswith(b"%PDF-"):
        if b"%%EOF" not in tail:
            raise FileCheckError(bilingual(_("The PDF is incomplete (no end-of-file mark).")))
        if _MARKUP.search(head) or _MARKUP.search(tail):
            raise FileCheckError(
                bilingual(_("The PDF also contains web page markup (HTML or script)."))
            )
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                if archive.read("mimetype").strip() == b"application/epub+zip":
                    return "epub"
        except (zipfile.BadZipFile, KeyError):
            pass
    raise FileCheckError(bilingual(_("This file is not a PDF or an EPUB e-book.")))


def check_image(path: str | Path) -> tuple[int, int]:
    """(width, height) of a real picture; raises FileCheckError otherwise."""
    limit = _max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size  # read from the header: nothing decoded yet
                if width * height > limit:
                    raise Image.DecompressionBombError("declared size")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FileCheckError(
            bilingual(
                _("The picture is too large: more than %(limit)s pixels once opened."),
                limit=f"{limit:,}",
            )
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise FileCheckError(bilingual(_("This file is not a picture, or it is damaged."))) from exc
    return width, height
