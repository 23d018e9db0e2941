"""Aggregates of core.UsageEvent, KPI targets and snapshots, satisfaction surveys.

Every aggregate table has the same period key: ``kind`` (day, month or fiscal
year) and ``start`` (the period's first day, Bangkok time). Usage cells and user
sets have day rows; objects, people and subject/grade dimensions start at the
month; fiscal-year rows are sums of month rows (see reports.aggregation). Pages
read these tables only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import Service


class PeriodKind(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    FISCAL_YEAR = "fy", _("Fiscal year")


class PeriodRow(models.Model):
    kind = models.CharField(max_length=5, choices=PeriodKind.choices)
    start = models.DateField()

    class Meta:
        abstract = True


class CountedRow(PeriodRow):
    """The figures every usage row carries (see reports.aggregation.VIEW_ACTIONS)."""

    events = models.PositiveIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        abstract = True


class UsageCell(CountedRow):
    """Events per service, site and school in one period."""

    service = models.CharField(max_length=16)
    site = models.CharField(max_length=64)
    school_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "start", "service"]),
            models.Index(fields=["kind", "school_id", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start} {self.service}/{self.site}/{self.school_id}: {self.views}"


class ObjectUsage(CountedRow):
    """Views and watch time per object (media item, lesson, quiz…) in one period."""

    service = models.CharField(max_length=16)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "start", "service"]),
            models.Index(fields=["object_type", "object_id", "kind", "start"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start} {self.object_type}:{self.object_id}: {self.views}"


class DimensionUsage(PeriodRow):
    """Usage per subject group or grade level, as carried by the events' objects."""

    service = models.CharField(max_length=16)
    dimension = models.CharField(max_length=16)  # "subject_group" | "grade_level"
    value = models.BigIntegerField()  # the SubjectGroup or GradeLevel id
    events = models.PositiveIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["kind", "start", "dimension"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.start} {self.dimension}={self.value}: {self.views}"


class PersonUsage(PeriodRow):
    """What one person did per service and action (logins, completions…)."""

    user_id = models.BigIntegerField()
    school_id = models.BigIntegerField(null=True)
    service = models.CharField(max_length=16)
    action = models.CharField(max_length=24)
    events = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "start", "user_id"]),
            models.Index(fields=["kind", "start", "school_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start} user {self.user_id} {self.service}/{self.action}"


class UserSet(PeriodRow):
    """The exact set of distinct users of a scope in a period, stored compactly.

    ``members`` is the sorted user ids, delta-encoded as 32-bit integers and
    zlib-compressed (reports.usersets); month and fiscal-year sets are unions of
    the sets below them, so unique users stay exact at every level.
    """

    scope = models.CharField(max_length=8)  # all | service | site | school | network
    key = models.CharField(max_length=64, blank=True)
    users = models.PositiveIntegerField(default=0)
    members = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["kind", "start", "scope"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.start} {self.scope}:{self.key}: {self.users}"


class ReportObject(models.Model):
    """Name, link and curriculum dimensions of an object seen in events.

    Filled by the aggregation through the dimension registry (reports.registry)
    so pages show names without calling other apps; ``resolved`` is false while no
    app describes the object type yet, and such rows are asked again later.
    """

    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    label = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500, blank=True)
    subject_group_id = models.BigIntegerField(null=True, blank=True)
    grade_level_ids = models.JSONField(default=list, blank=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id"], name="unique_report_object"
            )
        ]

    def __str__(self) -> str:
        return self.label or f"{self.object_type}:{self.object_id}"


class AggregationState(models.Model):
    """How far the incremental aggregation has read, by ``received_at``."""

    name = models.CharField(max_length=32, primary_key=True)
    watermark = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_days = models.JSONField(default=list, blank=True)  # days recomputed by the last run
    last_seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.name} @ {self.watermark}"


class KpiTarget(models.Model):
    """A KPI's target for one Thai fiscal year (Buddhist Era), edited by area admins."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    code = models.CharField(_("KPI"), max_length=48)
    target = models.FloatField(_("target"), validators=[MinValueValidator(0)])
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="unique_kpi_target")
        ]
        permissions = [
            ("view_area_reports", _("View area reports")),
            ("view_school_reports", _("View own school's reports")),
        ]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")

    def __str__(self) -> str:
        return f"{self.code} {self.fiscal_year}: {self.target:g}"


class KpiSnapshot(models.Model):
    """A counter's value for one fiscal year, as the beat task last computed it."""

    fiscal_year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=48)
    value = models.FloatField(default=0)
    breakdown = models.JSONField(default=dict, blank=True)  # label -> number
    items = models.JSONField(default=list, blank=True)  # [{"label", "url", "group", "detail"}]
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="unique_kpi_snapshot")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.fiscal_year}: {self.value:g}"


class SurveyLevel(models.IntegerChoices):
    LEAST = 1, _("Very low")
    LOW = 2, _("Low")
    MEDIUM = 3, _("Medium")
    HIGH = 4, _("High")
    HIGHEST = 5, _("Very high")


def default_survey_question() -> str:
    """The usual question, in the language of whoever creates the survey."""
    return gettext("How satisfied are you with the service?")


class Survey(models.Model):
    """A 5-level satisfaction survey about a course (any object), a service or a site."""

    title = models.CharField(_("survey title"), max_length=200)
    question = models.CharField(_("question"), max_length=300, default=default_survey_question)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("target type")
    )
    object_id = models.CharField(_("target id"), max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    service = models.CharField(_("service"), max_length=16, choices=Service.choices, blank=True)
    site = models.CharField(
        _("site"), max_length=64, blank=True, help_text=_("central, or the id of a school mirror")
    )
    is_open = models.BooleanField(_("open for answers"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")

    def __str__(self) -> str:
        return self.title


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        _("satisfaction level"),
        choices=SurveyLevel.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="one_response_per_person"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="survey_level_1_to_5"
            ),
        ]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey_id} / {self.user_id}: {self.level}"
