"""Who follows whom: a supervisor's plan for one term of a fiscal year, and its caseload."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from core.roles import ROLE_GROUP_NAMES, SUPERVISOR, TEACHER

from .rubrics import FocusArea, Rubric


class Term(models.IntegerChoices):
    FIRST = 1, _("Term 1 (October–March)")
    SECOND = 2, _("Term 2 (April–September)")


def _supervisors():
    return {"groups__name": ROLE_GROUP_NAMES[SUPERVISOR]}


def _teachers():
    return {"groups__name": ROLE_GROUP_NAMES[TEACHER]}


_YEAR = [MinValueValidator(2500), MaxValueValidator(2700)]


class Plan(ClusterableModel):
    """One supervisor, one term: the schools and teachers they follow, on which rubric."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (B.E.)"), validators=_YEAR, help_text=_("For example 2570")
    )
    term = models.PositiveSmallIntegerField(_("term"), choices=Term.choices, default=Term.FIRST)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        related_name="supervision_plans",
        limit_choices_to=_supervisors,
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="plans"
    )
    focus_areas = ParentalManyToManyField(FocusArea, verbose_name=_("focus areas"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-term", "supervisor__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "term", "supervisor"], name="one_plan_per_supervisor_term"
            )
        ]
        verbose_name = _("supervision plan")
        verbose_name_plural = _("supervision plans")

    def __str__(self) -> str:
        who = self.supervisor.get_full_name() or self.supervisor.username
        return f"{who} {self.fiscal_year}/{self.term}"


class PlanEntry(Orderable):
    """A school in the caseload, optionally one teacher there (none: the school as a whole)."""

    plan = ParentalKey(Plan, on_delete=models.CASCADE, related_name="entries")
    school = models.ForeignKey(
        "core.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=_teachers,
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("school or teacher followed")
        verbose_name_plural = _("caseload")

    def __str__(self) -> str:
        return f"{self.school} {self.teacher or ''}".strip()


class UseTarget(models.Model):
    """The area's target for media use per school and term, for one fiscal year."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year (B.E.)"), unique=True, validators=_YEAR
    )
    min_uses = models.PositiveIntegerField(
        _("uses of media and lessons per school and term"), default=30
    )
    min_teachers = models.PositiveIntegerField(
        _("teachers using media per school and term"), default=1
    )

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("media-use target")
        verbose_name_plural = _("media-use targets")

    def __str__(self) -> str:
        return str(self.fiscal_year)
