"""A supervision visit and the conversation that follows it.

Rows carry a ``uuid``: the identity a record has on every site, so a record
filled on a school mirror is merged on central once, whatever its local ids.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from ..conf import supervision_settings
from .plans import Plan
from .rubrics import Criterion, Rubric


@deconstructible
class EvidenceStorage(FileSystemStorage):
    """Uploaded evidence: no base URL, served only through the record's policy."""

    @property
    def base_location(self):
        return supervision_settings.SUPERVISION_UPLOAD_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


evidence_storage = EvidenceStorage(base_url=None)


class Mode(models.TextChoices):
    ONSITE = "onsite", _("On site")
    ONLINE = "online", _("Online")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft (only the supervisor sees it)")
    SHARED = "shared", _("Shared with the teacher")
    CLOSED = "closed", _("Closed")


class Observation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT)
    school = models.ForeignKey(
        "core.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        related_name="supervision_records_about",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="supervision_records_written",
    )
    mode = models.CharField(_("how"), max_length=8, choices=Mode.choices, default=Mode.ONSITE)
    visited_on = models.DateField(_("date of the visit"), default=timezone.localdate)
    subject = models.CharField(_("subject and topic observed"), max_length=300, blank=True)
    grade_level = models.ForeignKey(
        "core.GradeLevel",
        verbose_name=_("grade level"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    strengths = models.TextField(_("strengths"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    self_reflection = models.TextField(_("the teacher's self-reflection"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    site = models.CharField(max_length=64, default="central")  # where it was written
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["school", "visited_on"])]
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")

    def __str__(self) -> str:
        return f"{self.school} · {self.teacher.get_full_name() or self.teacher.username}"

    def average_level(self) -> float | None:
        levels = [s.level for s in self.scores.all()]
        return round(sum(levels) / len(levels), 2) if levels else None


class Score(models.Model):
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["criterion__sort_order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"


class EvidenceKind(models.TextChoices):
    MEDIA = "media", _("Recorded lesson or media item")
    LESSON = "lesson", _("Lesson page")
    ITEM_ANALYSIS = "analysis", _("Quiz item analysis")
    USAGE = "usage", _("The school's usage figures")
    UPLOAD = "upload", _("Uploaded file")


def evidence_path(instance, filename: str) -> str:
    return f"{instance.observation.uuid}/{uuid.uuid4().hex}{os.path.splitext(filename)[1].lower()}"


class Evidence(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    object_id = models.CharField(max_length=64, blank=True)  # central's id of the linked object
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(max_length=500, blank=True)
    figures = models.JSONField(default=dict, blank=True)  # usage figures, frozen when attached
    file = models.FileField(storage=evidence_storage, upload_to=evidence_path, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


class FollowUp(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="followups")
    action = models.TextField(_("agreed action"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_note = models.TextField(_("what was done"), blank=True)
    done_evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.action[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Reply(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    observation = models.ForeignKey(Observation, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return self.body[:80]
