from django.db import models
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    """The services the area office reports on (KPI 'visits per service')."""

    MEDIA = "media", _("Media center")
    ELEARNING = "elearning", _("e-Learning lessons")
    TUTOR = "tutor", _("Tutor Online")
    TRAINING = "training", _("Training Online")
    EXAMBANK = "exambank", _("Exam bank")
    SITE = "site", _("Site")


class UsageEvent(models.Model):
    """One thing a person did with a service: the raw material of every report.

    Written by the apps through ``core.usage.record_event`` (media views and watch
    time, lesson completions, quiz attempts, logins) and pushed up by school
    mirrors. ``event_id`` is deterministic where the caller can make it so, which
    makes a mirror's repeated upload of the same event a no-op.
    """

    event_id = models.UUIDField(unique=True)
    time = models.DateTimeField(db_index=True)
    service = models.CharField(max_length=16, choices=Service.choices)
    action = models.CharField(max_length=24)  # view, watch, complete, attempt, login, ...
    object_type = models.CharField(max_length=64, blank=True)  # e.g. "media_center.mediaitem"
    object_id = models.CharField(max_length=64, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    site = models.CharField(max_length=64, default="central")  # "central" or a mirror's id
    seconds = models.FloatField(default=0)  # watch time and similar durations
    value = models.FloatField(null=True, blank=True)  # a score, a percentage
    received_at = models.DateTimeField(auto_now_add=True)  # late arrivals from mirrors show here

    class Meta:
        indexes = [
            models.Index(fields=["service", "time"]),
            models.Index(fields=["object_type", "object_id", "time"]),
        ]
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")

    def __str__(self) -> str:
        when = f"{self.time:%Y-%m-%d %H:%M}"
        return f"{when} {self.service}/{self.action} {self.object_type}:{self.object_id}"
