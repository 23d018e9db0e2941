"""Quizzes: settings, fixed slots and blueprint rules (ตารางกำหนดลักษณะข้อสอบ)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from core.models import Indicator, School

from .bank import Category, Difficulty, Question, QuestionVersion


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest")
    AVERAGE = "average", _("Average")
    FIRST = "first", _("First attempt")
    LAST = "last", _("Last attempt")


class FeedbackMode(models.TextChoices):
    DEFERRED = "deferred", _("Deferred feedback")
    IMMEDIATE = "immediate", _("Immediate feedback")


class ReviewWhen(models.TextChoices):
    NEVER = "never", _("Never")
    AFTER_SUBMIT = "after_submit", _("After submitting")
    AFTER_CLOSE = "after_close", _("After the quiz closes")


class QuizMode(models.TextChoices):
    FIXED = "fixed", _("Fixed questions")
    # Questions drawn at random by the blueprint's rows (not the blueprint itself).
    BLUEPRINT = "blueprint", pgettext_lazy("quiz mode", "Blueprint")


class Quiz(ClusterableModel):
    title = models.CharField(_("quiz title"), max_length=255)
    intro = models.TextField(_("instructions"), blank=True)
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty = every school of the area"),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=QuizMode.choices, default="fixed")
    open_at = models.DateTimeField(_("opens"), null=True, blank=True)
    close_at = models.DateTimeField(_("closes"), null=True, blank=True)
    time_limit_seconds = models.PositiveIntegerField(_("time limit (seconds)"), default=0)
    grace_seconds = models.PositiveIntegerField(_("grace period (seconds)"), default=60)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, help_text=_("0 = unlimited")
    )
    grading_method = models.CharField(
        _("grading method"), max_length=8, choices=GradingMethod.choices, default="highest"
    )
    feedback_mode = models.CharField(
        _("feedback mode"), max_length=10, choices=FeedbackMode.choices, default="deferred"
    )
    review_marks = models.CharField(
        _("show marks"), max_length=12, choices=ReviewWhen.choices, default="after_submit"
    )
    review_answers = models.CharField(
        _("show right answers"), max_length=12, choices=ReviewWhen.choices, default="after_close"
    )
    review_feedback = models.CharField(
        _("show feedback"), max_length=12, choices=ReviewWhen.choices, default="after_close"
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    pass_fraction = models.DecimalField(
        _("pass mark (0–1)"), max_digits=4, decimal_places=3, default=0.5
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Bumped in the database whenever the quiz's question list could change (a
    # slot or blueprint row edited, a question of the quiz given a new version):
    # the key of its cached snapshot (exambank.snapshot). Never written from a
    # loaded instance, see save_base.
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    def save_base(self, *args, update_fields=None, **kwargs):
        """Save everything but ``revision`` on updates.

        The counter moves by ``UPDATE ... revision + 1`` while an admin form or a
        test still holds the quiz loaded earlier; writing that old number back
        would bring an outdated snapshot back to life.
        """
        if update_fields is None and not self._state.adding and not kwargs.get("force_insert"):
            update_fields = [
                f.attname for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "revision"
            ]  # fmt: skip
        return super().save_base(*args, update_fields=update_fields, **kwargs)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.open_at is None or self.open_at <= now) and (
            self.close_at is None or now < self.close_at
        )

    def is_closed(self, now=None) -> bool:
        return self.close_at is not None and (now or timezone.now()) >= self.close_at


class QuizSlot(models.Model):
    """A fixed question of a quiz; ``version`` pins one, empty follows the latest ready."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveIntegerField(_("order"), default=0)
    question = models.ForeignKey(
        Question, verbose_name=pgettext_lazy("exam bank", "question"), on_delete=models.PROTECT
    )
    version = models.ForeignKey(
        QuestionVersion,
        verbose_name=_("pinned version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    mark = models.DecimalField(_("mark"), max_digits=6, decimal_places=2, default=1)

    # Wagtail's inline panel numbers the rows by this field: drag to reorder.
    sort_order_field = "order"

    class Meta:
        ordering = ["quiz_id", "order", "pk"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")

    def __str__(self) -> str:
        return f"{self.quiz} · {self.order}: {self.question}"


class BlueprintRule(models.Model):
    """ตารางกำหนดลักษณะข้อสอบ: draw ``count`` items of this indicator and difficulty."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="blueprint")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), null=True, blank=True, on_delete=models.PROTECT
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=8, choices=Difficulty.choices, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT
    )
    count = models.PositiveSmallIntegerField(_("number of questions"), default=1)
    mark = models.DecimalField(_("mark per question"), max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["quiz_id", "pk"]
        verbose_name = _("blueprint row")
        verbose_name_plural = _("blueprint rows")

    def __str__(self) -> str:
        return f"{self.indicator or '*'} × {self.difficulty or '*'}: {self.count}"

    def narrow(self, questions: models.QuerySet) -> models.QuerySet:
        """The questions this rule may draw from; an empty criterion allows any."""
        if self.indicator_id:
            questions = questions.filter(indicators=self.indicator_id)
        if self.difficulty:
            questions = questions.filter(difficulty=self.difficulty)
        if self.category_id:
            questions = questions.filter(category=self.category_id)
        return questions
