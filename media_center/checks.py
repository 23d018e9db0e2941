"""What a document or picture really is, judged by its bytes (never its name)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.i18n import bilingual


class FileCheckError(ValueError):
    """Thai first, then English."""


def check_document(path: str | Path) -> str:
    """'pdf' or 'epub'; raises FileCheckError for anything else or a broken file."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(8)
        handle.seek(max(0, path.stat().st_size - 2048))
        tail = handle.read()
    if head.startswith(b"%PDF-"):
        if b"%%EOF" not in tail:
            raise FileCheckError(bilingual("the PDF is incomplete (no end-of-file mark)"))
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                if archive.read("mimetype").strip() == b"application/epub+zip":
                    return "epub"
        except (zipfile.BadZipFile, KeyError):
            pass
    raise FileCheckError(bilingual("this file is not a PDF or an EPUB e-book"))


def check_image(path: str | Path) -> tuple[int, int]:
    """(width, height) of a real picture; raises FileCheckError otherwise."""
    try:
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            return image.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise FileCheckError(bilingual("this file is not a picture, or it is damaged")) from exc
