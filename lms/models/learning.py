"""Who is enrolled where, how far each learner got, and certificates.

State changes go through lms.actions; these models only hold the rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage, LessonPage


class Enrolment(models.Model):
    """One learner in one course. Unenrolling keeps the row and the progress."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Enrolled")
        UNENROLLED = "unenrolled", _("Unenrolled")

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        KEY = "key", _("With the enrolment key")
        CLASS = "class", _("By a teacher, for a class")
        STAFF = "staff", _("By staff")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField()
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unenrolled_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    completed_lessons = models.PositiveIntegerField(default=0)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="lms_one_enrolment_per_course")
        ]
        indexes = [models.Index(fields=["course", "status"])]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class EnrolmentEvent(models.Model):
    """The history of an enrolment: who enrolled or removed whom, and when."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12)  # enrol, unenrol, complete
    source = models.CharField(max_length=8, blank=True)
    time = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["time", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.enrolment_id} {self.time:%Y-%m-%d %H:%M}"


class CourseClass(models.Model):
    """A class (school + grade + room) a teacher enrolled in a course."""

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="classes")
    school = models.ForeignKey("core.School", on_delete=models.CASCADE, related_name="+")
    grade_level = models.ForeignKey("core.GradeLevel", on_delete=models.PROTECT, related_name="+")
    classroom = models.CharField(max_length=16, blank=True)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "school", "grade_level", "classroom"], name="lms_unique_class"
            )
        ]

    def __str__(self) -> str:
        room = f"/{self.classroom}" if self.classroom else ""
        return f"{self.school} {self.grade_level.code}{room}"


class LessonProgress(models.Model):
    """One learner's state in one lesson; the heartbeat updates only this row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    first_viewed_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    # {media id: [[start, end], ...]} merged ranges, and {media id: seconds}.
    watched = models.JSONField(default=dict, blank=True)
    durations = models.JSONField(default=dict, blank=True)
    # {media id: distinct seconds} as counted by another player (the media center's).
    reported = models.JSONField(default=dict, blank=True)
    watched_seconds = models.FloatField(default=0)
    position = models.FloatField(default=0)  # where to resume, in the last media played
    position_media = models.CharField(max_length=64, blank=True)
    unreported_seconds = models.FloatField(default=0)  # watch time not yet in UsageEvent
    marked_done = models.BooleanField(default=False)
    quiz_scores = models.JSONField(default=dict, blank=True)  # {quiz ref: best score 0–1}
    quizzes_passed = models.JSONField(default=list, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="lms_one_progress_per_lesson")
        ]
        indexes = [models.Index(fields=["course", "user"])]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self) -> str:
        return f"{self.user_id} / lesson {self.lesson_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class LessonQuiz(models.Model):
    """Which quizzes a lesson holds, refreshed when the lesson is saved.

    Lets the quiz_attempt_finished handler find lessons by quiz with one
    indexed lookup instead of reading every lesson body.
    """

    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="quiz_links")
    ref = models.CharField(max_length=100, db_index=True)
    required = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lesson", "ref"], name="lms_unique_lesson_quiz")
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id}: {self.ref}"

    @classmethod
    def sync(cls, lesson: LessonPage) -> None:
        wanted = dict(lesson.quiz_refs())
        have = {link.ref: link for link in cls.objects.filter(lesson=lesson)}
        cls.objects.filter(lesson=lesson).exclude(ref__in=list(wanted)).delete()
        for ref, required in wanted.items():
            link = have.get(ref)
            if link is None:
                cls.objects.create(lesson=lesson, ref=ref, required=required)
            elif link.required != required:
                link.required = required
                link.save(update_fields=["required"])


class Certificate(models.Model):
    """A Training Online certificate; the code is checked on a public page.

    Names and titles are copied at issue time: the certificate states what was
    true then, even if the course is renamed later.
    """

    code = models.CharField(max_length=16, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        CoursePage, null=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    holder_name = models.CharField(max_length=300)
    course_title = models.CharField(max_length=300)
    hours = models.DecimalField(max_digits=5, decimal_places=1)
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="lms_one_certificate")
        ]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.code} {self.holder_name}"
