"""A live session: a scheduled class taught live, then kept as a recording."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
