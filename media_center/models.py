"""Media items: wagtailmedia's AbstractMedia plus what a Thai media center needs.

Duration and size come from probing the file (never typed). Files are kept in
protected storage (a folder outside MEDIA_ROOT, or a private prefix of the
object store: media_center.storage) and reached only through signed URLs; a
finished encode lives in ``renditions/<item id>/<version>/`` and
``rendition_version`` names the current one, so switching versions is one UPDATE.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index
from wagtailmedia.models import AbstractMedia

from .storage import ProtectedStorage, protected_storage, upload_storage  # noqa: F401


def get_protected_storage():
    """STORAGES["protected"] (media_center.storage), followed when settings change."""
    return protected_storage


class MediaKind(models.TextChoices):
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    DOCUMENT = "document", _("Document / e-book")
    IMAGE = "image", _("Image")
    LINK = "link", _("External link")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in users")
    SCHOOL = "school", _("Own school only")
    PRIVATE = "private", _("Private")


class Licence(models.TextChoices):
    CC_BY = "cc-by", "CC BY 4.0"
    CC_BY_SA = "cc-by-sa", "CC BY-SA 4.0"
    CC_BY_NC = "cc-by-nc", "CC BY-NC 4.0"
    CC_BY_NC_SA = "cc-by-nc-sa", "CC BY-NC-SA 4.0"
    CC_BY_ND = "cc-by-nd", "CC BY-ND 4.0"
    CC0 = "cc0", "CC0 (public domain)"
    EDUCATION = "education", _("Free for education, no redistribution")
    ALL_RIGHTS = "all-rights", _("All rights reserved")


# Licences under which a copy may be downloaded and kept offline.
DOWNLOADABLE_LICENCES = {
    Licence.CC_BY, Licence.CC_BY_SA, Licence.CC_BY_NC, Licence.CC_BY_NC_SA,
    Licence.CC_BY_ND, Licence.CC0, Licence.EDUCATION,
}  # fmt: skip


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def original_upload_to(instance: MediaItem, filename: str) -> str:
    return f"originals/{uuid.uuid4().hex}/{filename[-120:]}"


class MediaItem(AbstractMedia):
    type = models.CharField(_("type"), max_length=16, choices=MediaKind.choices)
    file = models.FileField(
        _("file"), upload_to=original_upload_to, storage=get_protected_storage,
        blank=True, max_length=500,
    )  # fmt: skip
    description = models.TextField(_("description"), blank=True)
    external_url = models.URLField(_("external link"), blank=True, max_length=1000)
    subject_groups = models.ManyToManyField(
        "core.SubjectGroup", verbose_name=_("subject groups"), blank=True, related_name="media"
    )
    grade_levels = models.ManyToManyField(
        "core.GradeLevel", verbose_name=_("grade levels"), blank=True, related_name="media"
    )
    indicators = models.ManyToManyField(
        "core.Indicator", verbose_name=_("indicators"), blank=True, related_name="media"
    )
    language = models.CharField(
        _("language"), max_length=8, default="th",
        choices=[("th", _("Thai")), ("en", _("English")), ("other", _("Other"))],
    )  # fmt: skip
    licence = models.CharField(_("licence"), max_length=16, choices=Licence.choices)
    copyright_holder = models.CharField(_("copyright holder"), max_length=255)
    owner_school = models.ForeignKey(
        "core.School", verbose_name=_("owner school"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="media",
    )  # fmt: skip
    owner_area = models.ForeignKey(
        "core.AreaOffice", verbose_name=_("owner area"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="media",
    )  # fmt: skip
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    error_message = models.TextField(_("error"), blank=True)
    rendition_version = models.CharField(max_length=64, blank=True, editable=False)
    rendition_info = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by the bulk import (path in the library folder and size): a re-run skips it.
    import_key = models.CharField(max_length=500, blank=True, editable=False, db_index=True)

    search_fields = AbstractMedia.search_fields + [
        index.SearchField("description"),
        index.SearchField("copyright_holder"),
        index.FilterField("visibility"),
        index.FilterField("status"),
        index.FilterField("owner_school"),
    ]
    admin_form_fields = (
        "title", "file", "collection", "description", "subject_groups", "grade_levels",
        "indicators", "tags", "language", "licence", "copyright_holder", "owner_school",
        "owner_area", "visibility", "external_url",
    )  # fmt: skip

    class Meta:
        verbose_name = _("media item")
        verbose_name_plural = _("media items")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "visibility", "type"])]

    @property
    def url(self) -> str:
        """The item's page: files have no public URL (see media_center.files)."""
        from django.urls import reverse

        return reverse("media_center:detail", args=[self.pk]) if self.pk else ""

    @property
    def sources(self) -> list[dict]:
        """Signed HLS and MP4 sources for embedding (wagtailmedia's API)."""
        from .files import file_url

        if not self.is_playable:
            return []
        found = [{"src": file_url(self, "master.m3u8"), "type": "application/x-mpegURL"}]
        if self.rendition_info.get("download"):
            download = self.rendition_info["download"]
            kind = "video/mp4" if download.endswith(".mp4") else "audio/mp4"
            found.append({"src": file_url(self, download), "type": kind})
        return found

    @property
    def hls_url(self) -> str:
        """Signed master playlist, for players outside the media page (lessons)."""
        from .files import file_url

        return file_url(self, "master.m3u8") if self.is_playable else ""

    @property
    def play_url(self) -> str:
        """Signed progressive file for players without HLS: the small MP4 or M4A."""
        from .files import file_url

        download = self.rendition_info.get("download") if self.is_playable else None
        return file_url(self, download) if download else ""

    @property
    def is_playable(self) -> bool:
        return bool(self.rendition_version) and self.type in {MediaKind.VIDEO, MediaKind.AUDIO}

    @property
    def downloadable(self) -> bool:
        return self.licence in DOWNLOADABLE_LICENCES

    @property
    def rendition_dir(self) -> str:
        """Folder of the current rendition, relative to the protected root."""
        return f"renditions/{self.pk}/{self.rendition_version}" if self.rendition_version else ""

    def clean(self):
        # wagtailmedia's clean checks extensions; here the content is checked
        # by the processing task instead.
        models.Model.clean(self)
        if not self.duration:
            self.duration = 0


class WatchProgress(models.Model):
    """Where a signed-in user is in an item, and which parts they have seen."""

    # Bookkeeping rows: nothing for Wagtail's "used by" reference index.
    wagtail_reference_index_ignore = True

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="progress")
    position = models.FloatField(default=0)
    ranges = models.JSONField(default=list)  # merged [start, end] seconds seen
    seconds_watched = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "item"], name="one_progress_per_user_item")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.item_id} {self.seconds_watched:.0f}s"


class TusUpload(models.Model):
    """A resumable upload in progress (tus 1.0): bytes land in ``tus/<id>.part``."""

    # Bookkeeping rows: nothing for Wagtail's "used by" reference index.
    wagtail_reference_index_ignore = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    filename = models.CharField(max_length=255, blank=True)
    metadata = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed = models.BooleanField(default=False)  # turned into a MediaItem

    def __str__(self) -> str:
        return f"{self.filename} {self.offset}/{self.length}"

    @property
    def path(self) -> str:
        return f"tus/{self.id}.part"

    @property
    def complete(self) -> bool:
        return self.offset >= self.length
