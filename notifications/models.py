"""A notification is one row per person; an announcement is written once and fanned out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    GRADED = "graded", _("Graded")
    APPROVED = "approved", _("Approved")
    SENT_BACK = "sent_back", _("Sent back")
    NEW_LESSON = "new_lesson", _("New lesson")
    QUIZ_OPENING = "quiz_opening", _("Quiz opening soon")
    QUIZ_CLOSING = "quiz_closing", _("Quiz closing soon")
    ANNOUNCEMENT = "announcement", _("Announcement")
    SUPERVISION = "supervision", _("Supervision")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=255)
    body = models.TextField(_("Details"), blank=True)
    url = models.CharField(_("Link"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Periodic reminders and fan-outs may run twice; one row per user and key.
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notif_once_per_key",
            )
        ]
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")

    def __str__(self) -> str:
        return self.title


class Announcement(models.Model):
    """A message from a school (school set) or from the area (no school) to its people."""

    title = models.CharField(_("Title"), max_length=255)
    body = models.TextField(_("Message"), blank=True)
    school = models.ForeignKey(
        "core.School",
        verbose_name=_("School"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Leave empty to announce to the whole area."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Announcement")
        verbose_name_plural = _("Announcements")

    def __str__(self) -> str:
        return self.title
