"""What a catalog source hands to search: one plain, denormalised document."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    """Who may find a document. Sources map their own sharing rules onto these."""

    PUBLIC = "public", _("Public")
    SIGNED_IN = "signed_in", _("Signed-in users")
    SCHOOL = "school", _("School only")
    PRIVATE = "private", _("Private")
    TEACHERS = "teachers", _("Teachers only")


class DocType(models.TextChoices):
    """Kinds of catalog document; apps may use other short codes too."""

    PAGE = "page", _("Page")
    VIDEO = "video", _("Video")
    AUDIO = "audio", _("Audio")
    DOCUMENT = "document", _("Document")
    IMAGE = "image", _("Image")
    LINK = "link", _("Link")
    COURSE = "course", _("Course")
    LESSON = "lesson", _("Lesson")
    QUESTION = "question", _("Exam question")


@dataclass
class CatalogDocument:
    """One searchable thing, as a source describes it.

    Codes, not objects: ``subject_codes`` are SubjectGroup.code ("ค"),
    ``grade_codes`` are GradeLevel.code ("ป.3"), ``indicator_codes`` are
    Indicator codes ("ค 1.1 ป.3/2"). ``held`` says whether this site holds the
    object itself (a school mirror searches only what it holds).
    """

    title: str
    url: str
    doc_type: str
    description: str = ""
    body: str = ""
    transcript: str = ""
    subject_codes: list[str] = field(default_factory=list)
    grade_codes: list[str] = field(default_factory=list)
    indicator_codes: list[str] = field(default_factory=list)
    school_id: int | None = None
    area_id: int | None = None
    owner_id: int | None = None
    language: str = "th"
    licence: str = ""
    published_at: datetime.datetime | None = None
    popularity: float = 0.0
    visibility: str = Visibility.PUBLIC
    held: bool = True
    thumbnail_url: str = ""
