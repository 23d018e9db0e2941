"""The bank itself: categories, questions and their frozen versions.

A ``Question`` is the stable identity teachers edit in the admin; each edit is
frozen into a ``QuestionVersion`` (``exambank.actions.snapshot_version``).
Quizzes point at questions and either pin a version or follow the latest ready
one; an attempt's slots point at the exact version the student saw, so later
edits never change a past attempt.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField
from wagtail.models import PreviewableMixin

from core.models import GradeLevel, Indicator, School, SubjectGroup

# Labels that other apps translate differently carry the context "exam bank", so
# each keeps its own Thai (a survey's question is คำถาม, an exam's ข้อสอบ).


class QType(models.TextChoices):
    MULTICHOICE = "multichoice", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True/false")
    SHORTANSWER = "shortanswer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    ESSAY = "essay", _("Essay")
    CLOZE = "cloze", _("Cloze")
    DESCRIPTION = "description", _("Description, not graded")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("exam bank", "Draft")
    READY = "ready", _("Ready")
    HIDDEN = "hidden", _("Hidden")


class Category(models.Model):
    """A folder of questions owned by one school, or by the area when school is empty."""

    name = models.CharField(_("category name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    school = models.ForeignKey(
        School,
        verbose_name=_("owning school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty = a category of the area office (area-wide)"),
    )
    published = models.BooleanField(
        _("published area-wide"),
        default=False,
        help_text=_("Shared with every school of the area"),
    )
    info = models.TextField(
        _("description"), blank=True, help_text=_("Kept from Moodle's category info (HTML)")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "school", "name"], name="exambank_unique_category_name"
            )
        ]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        names, node = [], self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))


def visible_to_school(school_id: int | None, prefix: str = "") -> Q:
    """Questions (or categories, with prefix "") a school may use: its own, the
    area's, and any category published area-wide."""
    q = Q(**{f"{prefix}school__isnull": True}) | Q(**{f"{prefix}published": True})
    if school_id is not None:
        q |= Q(**{f"{prefix}school": school_id})
    return q


class TaggedQuestion(TaggedItemBase):
    content_object = models.ForeignKey(
        "Question", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Question(PreviewableMixin, models.Model):
    """The editable head of a question; versions keep each saved state.

    Previewable: the editor shows it live as a student meets it (exambank.preview).
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="questions"
    )
    qtype = models.CharField(
        pgettext_lazy("exam bank", "type"), max_length=16, choices=QType.choices
    )
    name = models.CharField(_("question name"), max_length=255, blank=True)
    text = RichTextField(
        _("question text"), features=["bold", "italic", "ol", "ul", "image", "link"]
    )
    general_feedback = models.TextField(_("general feedback"), blank=True)
    data = models.JSONField(
        _("answers and choices"),
        default=dict,
        blank=True,
        help_text="choices/answers as JSON; see exambank.grading for each type",
    )
    default_mark = models.DecimalField(_("default mark"), max_digits=6, decimal_places=2, default=1)
    status = models.CharField(
        _("status"), max_length=8, choices=VersionStatus.choices, default=VersionStatus.READY
    )
    subject_group = models.ForeignKey(
        SubjectGroup,
        verbose_name=pgettext_lazy("exam bank", "subject group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    grade_level = models.ForeignKey(
        GradeLevel, verbose_name=_("grade level"), null=True, blank=True, on_delete=models.SET_NULL
    )
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"), blank=True)
    difficulty = models.CharField(
        _("difficulty"), max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    tags = TaggableManager(pgettext_lazy("exam bank", "tags"), through=TaggedQuestion, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category_id", "name", "pk"]
        verbose_name = pgettext_lazy("exam bank", "question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    def get_preview_template(self, request, mode_name):
        return "exambank/question_preview.html"

    def get_preview_context(self, request, mode_name):
        from ..preview import preview_context

        return {**super().get_preview_context(request, mode_name), **preview_context(self)}

    def latest_version(self, ready_only: bool = False) -> QuestionVersion | None:
        versions = self.versions.all()
        if ready_only:
            versions = versions.filter(status=VersionStatus.READY)
        return versions.order_by("-number").first()


class QuestionVersion(models.Model):
    """One frozen state of a question. Never edited after creation."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=8, choices=VersionStatus.choices)
    qtype = models.CharField(max_length=16, choices=QType.choices)
    name = models.CharField(max_length=255, blank=True)
    text = models.TextField()
    general_feedback = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    default_mark = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="exambank_unique_version_number"
            )
        ]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"
