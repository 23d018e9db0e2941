"""The Basic Education Core Curriculum B.E. 2551 (revised 2560) as data.

Subject groups and grade levels are fixed by the curriculum and seeded by a data
migration; learning standards and indicators are loaded from CSV
(``manage.py load_indicators``) because each area keeps its own list.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    """Thai name first; English when the visitor chose English."""

    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "th").startswith("en") and self.name_en:
            return self.name_en
        return self.name_th


class SubjectGroup(BilingualName):
    """กลุ่มสาระการเรียนรู้: one of the 8 learning areas."""

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        help_text=_("the one-letter code of the subject group"),
    )
    slug = models.SlugField(unique=True)
    is_core = models.BooleanField(
        _("core subject group"),
        default=False,
        help_text="Thai, Mathematics, Science, Social Studies, English",
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("subject group")
        verbose_name_plural = _("subject groups")


class KeyStage(models.TextChoices):
    PRE_PRIMARY = "pre", _("Pre-primary")
    KS1 = "ks1", _("Key stage 1 (P.1–3)")
    KS2 = "ks2", _("Key stage 2 (P.4–6)")
    KS3 = "ks3", _("Key stage 3 (M.1–3)")
    KS4 = "ks4", _("Key stage 4 (M.4–6)")


class GradeLevel(BilingualName):
    """ระดับชั้น: อ.1–อ.3, ป.1–ป.6, ม.1–ม.6, ordered by ``sort_order``."""

    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("the grade code, such as P.3")
    )
    slug = models.SlugField(unique=True, help_text="e.g. p3")
    key_stage = models.CharField(_("key stage"), max_length=4, choices=KeyStage.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("grade level")
        verbose_name_plural = _("grade levels")


class LearningStandard(models.Model):
    """มาตรฐานการเรียนรู้, e.g. "ค 1.1" (strand 1, standard 1 of Mathematics)."""

    subject_group = models.ForeignKey(
        SubjectGroup, on_delete=models.PROTECT, related_name="standards"
    )
    code = models.CharField(_("standard code"), max_length=16, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["subject_group__sort_order", "code"]
        verbose_name = _("learning standard")
        verbose_name_plural = _("learning standards")

    def __str__(self) -> str:
        return self.code


class Indicator(models.Model):
    """ตัวชี้วัด, e.g. "ค 1.1 ป.3/2"; content and questions are tagged with these.

    Upper-secondary indicators cover a range of grades ("ม.4-6/1"), so grade
    levels are many-to-many.
    """

    standard = models.ForeignKey(
        LearningStandard, on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("indicator code"), max_length=32, unique=True)
    grade_levels = models.ManyToManyField(GradeLevel, related_name="indicators")
    description = models.TextField(_("description"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.code

    @property
    def subject_group(self) -> SubjectGroup:
        return self.standard.subject_group
