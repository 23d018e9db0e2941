"""The observation form as data: a rubric, its criteria, levels 1–5 with descriptors.

The area edits rubrics in the admin (Snippets → Supervision); a record keeps the
rubric it was filled on, so changing a rubric later never rewrites old records'
meaning (retire one by clearing "in use" and add a new one).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

LEVELS = (1, 2, 3, 4, 5)


class FocusArea(models.Model):
    """What a plan concentrates on: use of learning media, e-Learning, the exam bank, reading…"""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.name


class Rubric(ClusterableModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Only rubrics in use are offered for new records.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_active", "title"]
        verbose_name = _("supervision rubric")
        verbose_name_plural = _("supervision rubrics")

    def __str__(self) -> str:
        return self.title


class Criterion(Orderable):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    rubric = ParentalKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("criterion"), max_length=300)
    description = models.TextField(_("what to look for"), blank=True)
    level_1 = models.CharField(_("level 1"), max_length=300, blank=True)
    level_2 = models.CharField(_("level 2"), max_length=300, blank=True)
    level_3 = models.CharField(_("level 3"), max_length=300, blank=True)
    level_4 = models.CharField(_("level 4"), max_length=300, blank=True)
    level_5 = models.CharField(_("level 5"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.title

    def descriptors(self) -> list[tuple[int, str]]:
        return [(level, getattr(self, f"level_{level}")) for level in LEVELS]
