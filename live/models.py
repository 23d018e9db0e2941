"""A live session: a scheduled class taught live, then kept as a recording; and the
classroom timetable that tells a school's screen what plays when."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


def new_stream_key() -> str:
    return secrets.token_urlsafe(24)


class State(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live now")
    ENDED = "ended", _("Ended")
    RECORDED = "recorded", _("Recorded")


class Audience(models.TextChoices):
    SCHOOL = "school", _("Own school only")
    AREA = "area", _("All schools of the area")
    PUBLIC = "public", _("Everyone")


class LiveSession(models.Model):
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_group = models.ForeignKey(
        "core.SubjectGroup",
        verbose_name=_("subject group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    grade_level = models.ForeignKey(
        "core.GradeLevel",
        verbose_name=_("grade level"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    school = models.ForeignKey(
        "core.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: a session of the area office's studio."),
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher or studio"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.SCHOOL
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SCHEDULED, editable=False
    )
    stream_key = models.CharField(max_length=64, default=new_stream_key, editable=False)
    ingest_port = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ingest_opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    went_live_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_publish_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Shown on the session's admin page, Thai first: a refused codec, a refused key.
    error_message = models.TextField(_("problem"), blank=True, editable=False)
    note = models.TextField(_("note"), blank=True, editable=False)
    recording = models.ForeignKey(
        "media_center.MediaItem",
        verbose_name=_("recording"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="live_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.state == State.LIVE


class LiveAttendance(models.Model):
    """Who watched a session live, for how long, from which school (one row a viewer)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "core.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seconds = models.FloatField(default=0)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="live_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.user_id}"


# --- The classroom timetable (ตารางเรียน) -----------------------------------------
# The rules (which timetable applies, what plays now) live in live/timetable.py.


class Weekday(models.IntegerChoices):
    """School days, numbered as date.weekday() numbers them."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class Plays(models.TextChoices):
    LIVE = "live", _("The live broadcast (a recorded lesson if it is not on)")
    RECORDED = "recorded", _("A recorded lesson")


class Timetable(ClusterableModel):
    """A grade's week for a term: the area's (every school uses it) or one school's,
    which replaces the area's for that grade while its dates last."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("For example: term 1/2569")
    )
    school = models.ForeignKey(
        "core.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "Empty: the area's timetable, used by every school that has none of its own "
            "for this grade."
        ),
    )
    grade_level = models.ForeignKey(
        "core.GradeLevel", verbose_name=_("grade level"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["grade_level__sort_order", "-starts_on"]
        verbose_name = _("timetable")
        verbose_name_plural = _("timetables")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="live_timetable_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        owner = self.school.name if self.school_id else _("area")
        return self.title or f"{self.grade_level} · {owner}"

    def clean(self) -> None:
        from .timetable import timetable_problems

        timetable_problems(self)


class Period(models.Model):
    timetable = ParentalKey(Timetable, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    subject_group = models.ForeignKey(
        "core.SubjectGroup",
        verbose_name=_("subject group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(
        _("title"), max_length=120, blank=True, help_text=_("Shown instead of the subject group.")
    )
    plays = models.CharField(_("plays"), max_length=16, choices=Plays.choices, default=Plays.LIVE)
    # No database constraint: on a school mirror the timetable can arrive before
    # the item's files do, and the id is looked up again whenever it plays.
    media_item = models.ForeignKey(
        "media_center.MediaItem",
        verbose_name=_("recorded item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
    )
    lesson = models.ForeignKey(
        "lms.LessonPage",
        verbose_name=_("or a lesson's video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["weekday", "starts_at"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="live_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    @property
    def label(self) -> str:
        """What the screen and the grid call it: its title, else its subject group."""
        if self.title:
            return self.title
        return self.subject_group.name if self.subject_group_id else ""

    def clean(self) -> None:
        from .timetable import period_problems

        period_problems(self)


class ScreenLink(models.Model):
    """The secret in a school's classroom-screen address, and the account it signs in.

    Central keeps the key to show it to the school's staff; a mirror receives only
    its SHA-256, which is all a check needs."""

    school = models.OneToOneField("core.School", on_delete=models.CASCADE, related_name="+")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64, blank=True)
    key_digest = models.CharField(max_length=64)
    made_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.school)
