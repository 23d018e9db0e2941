"""Attempts, their answers (one row per question) and item analyses.

Double clicks and retried requests are handled by the database, not by hope:
one in-progress attempt per (quiz, user) is a partial unique constraint, every
start carries an idempotency key unique per user, and answers live in one row
per (attempt, position) updated only by a newer client sequence number.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .bank import QuestionVersion
from .quizzes import Quiz


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    NEEDS_GRADING = "needs_grading", _("Needs grading")
    FINISHED = "finished", _("Finished")


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=AttemptState.choices, default="in_progress")
    start_key = models.CharField(max_length=64)
    seed = models.BigIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    closed_by_timer = models.BooleanField(default=False)
    marks = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    max_marks = models.DecimalField(max_digits=8, decimal_places=3, default=0)
    score = models.FloatField(null=True, blank=True)  # 0..1
    on_paper = models.BooleanField(default=False)

    class Meta:
        ordering = ["quiz_id", "user_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="exambank_unique_attempt_number"
            ),
            models.UniqueConstraint(fields=["user", "start_key"], name="exambank_unique_start_key"),
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="exambank_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"])]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self) -> str:
        return f"{self.quiz} · {self.user} · {self.number}"

    @property
    def hard_deadline(self):
        if self.deadline is None:
            return None
        return self.deadline + timezone.timedelta(seconds=self.quiz.grace_seconds)


class AttemptSlot(models.Model):
    """One question of one attempt: the exact version, its shuffles and the answer."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT)
    mark = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    layout = models.JSONField(default=dict)  # shuffled choice ids, etc.
    response = models.JSONField(null=True, blank=True)
    # Last applied client sequence; the page uses milliseconds since 1970, past 32 bits.
    sequence = models.PositiveBigIntegerField(default=0)
    saved_at = models.DateTimeField(null=True, blank=True)
    fraction = models.FloatField(null=True, blank=True)
    needs_manual = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="exambank_unique_attempt_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.position}"


class ItemAnalysis(models.Model):
    """The latest item analysis of a quiz, computed by a Celery task."""

    quiz = models.OneToOneField(Quiz, on_delete=models.CASCADE, related_name="analysis")
    computed_at = models.DateTimeField(default=timezone.now)
    attempts_used = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("item analysis")
        verbose_name_plural = _("item analyses")

    def __str__(self) -> str:
        return f"{self.quiz} ({self.attempts_used})"
