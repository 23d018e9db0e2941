"""Files embedded in questions (Moodle's @@PLUGINFILE@@) kept as Wagtail images and documents.

The question text keeps Moodle's own links (``@@PLUGINFILE@@/diagram.png``) and
``data["files"]`` maps each name to the stored object, so text exported again is
the text imported, and the file is embedded once more from storage. A picture
(Pillow opens it: checked by content, not by name) becomes a Wagtail image,
anything else a Wagtail document; both are deduplicated by the SHA-1 Wagtail
already keeps of every file, so a bank imported twice stores each file once.
"""

from __future__ import annotations

import hashlib
import io
import re
from urllib.parse import unquote

from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .formats.moodlexml import PLUGINFILE


def _picture_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) when Pillow reads the content as a picture, else None."""
    try:
        with PILImage.open(io.BytesIO(content)) as picture:
            size = picture.size
            picture.verify()
    except Exception:  # noqa: BLE001 - anything Pillow cannot read is not a picture
        return None
    return size


def store_file(name: str, content: bytes, user=None) -> dict:
    """The stored image or document for this content, created once per distinct content."""
    digest = hashlib.sha1(content).hexdigest()
    title = name.rsplit("/", 1)[-1][:255] or "file"
    size = _picture_size(content)
    if size is not None:
        model, kind, extra = get_image_model(), "image", {"width": size[0], "height": size[1]}
    else:
        model, kind, extra = get_document_model(), "document", {}
    existing = model.objects.filter(file_hash=digest).first()
    if existing is None:
        existing = model(title=title, uploaded_by_user=user)
        existing.file.save(title, ContentFile(content), save=False)
        for field, value in extra.items():  # set after the file: saving it resets them
            setattr(existing, field, value)
        # Wagtail fills these in its upload forms only; the hash is what dedupes.
        existing.file_hash, existing.file_size = digest, len(content)
        existing.save()
    return {"kind": kind, "id": existing.pk}


def store_files(files: dict[str, bytes], user=None) -> dict[str, dict]:
    return {name: store_file(name, content, user) for name, content in files.items()}


def _objects(refs: dict[str, dict]) -> dict[str, object]:
    images = get_image_model().objects.in_bulk(
        [r["id"] for r in refs.values() if r.get("kind") == "image"]
    )
    documents = get_document_model().objects.in_bulk(
        [r["id"] for r in refs.values() if r.get("kind") == "document"]
    )
    found = {}
    for name, ref in refs.items():
        obj = (images if ref.get("kind") == "image" else documents).get(ref.get("id"))
        if obj is not None:
            found[name] = obj
    return found


def read_files(refs: dict[str, dict]) -> dict[str, bytes]:
    """The bytes of every stored file of a question (for export)."""
    out = {}
    for name, obj in _objects(refs).items():
        with obj.file.open("rb") as handle:
            out[name] = handle.read()
    return out


def link_files(html: str, refs: dict[str, dict]) -> str:
    """Point @@PLUGINFILE@@ links at the stored files' URLs (missing ones stay inert)."""
    if not refs or "@@PLUGINFILE@@" not in html:
        return html
    objects = _objects(refs)

    def url(match: re.Match) -> str:
        obj = objects.get(unquote(match.group(1)))
        if obj is None:
            return "#"
        return obj.file.url if hasattr(obj, "get_rendition") else obj.url

    return PLUGINFILE.sub(url, html)
