"""The Basic Education Core Curriculum B.E. 2551 (revised 2560) as data.

Subject groups and grade levels are fixed by the curriculum and seeded by a data
migration; learning standards and indicators are loaded from CSV
(``manage.py load_indicators``) because each area keeps its own list.
"""

from django.db import models
from django.utils.translation import get_language


class BilingualName(models.Model):
    """Thai name first; English when the visitor chose English."""

    name_th = models.CharField("ชื่อ (ไทย)", max_length=200)
    name_en = models.CharField("ชื่อ (อังกฤษ)", max_length=200, blank=True)

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

    code = models.CharField("รหัส", max_length=2, unique=True, help_text="ท ค ว ส พ ศ ง อ")
    slug = models.SlugField(unique=True)
    is_core = models.BooleanField(
        "สาระหลัก", default=False, help_text="Thai, Mathematics, Science, Social Studies, English"
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "กลุ่มสาระการเรียนรู้"
        verbose_name_plural = "กลุ่มสาระการเรียนรู้"


class KeyStage(models.TextChoices):
    PRE_PRIMARY = "pre", "ปฐมวัย (Pre-primary)"
    KS1 = "ks1", "ช่วงชั้นที่ 1 ป.1–3 (Key stage 1)"
    KS2 = "ks2", "ช่วงชั้นที่ 2 ป.4–6 (Key stage 2)"
    KS3 = "ks3", "ช่วงชั้นที่ 3 ม.1–3 (Key stage 3)"
    KS4 = "ks4", "ช่วงชั้นที่ 4 ม.4–6 (Key stage 4)"


class GradeLevel(BilingualName):
    """ระดับชั้น: อ.1–อ.3, ป.1–ป.6, ม.1–ม.6, ordered by ``sort_order``."""

    code = models.CharField("รหัส", max_length=8, unique=True, help_text="e.g. ป.3")
    slug = models.SlugField(unique=True, help_text="e.g. p3")
    key_stage = models.CharField("ช่วงชั้น", max_length=4, choices=KeyStage.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = "ระดับชั้น"
        verbose_name_plural = "ระดับชั้น"


class LearningStandard(models.Model):
    """มาตรฐานการเรียนรู้, e.g. "ค 1.1" (strand 1, standard 1 of Mathematics)."""

    subject_group = models.ForeignKey(
        SubjectGroup, on_delete=models.PROTECT, related_name="standards"
    )
    code = models.CharField("รหัสมาตรฐาน", max_length=16, unique=True)
    description = models.TextField("คำอธิบาย", blank=True)

    class Meta:
        ordering = ["subject_group__sort_order", "code"]
        verbose_name = "มาตรฐานการเรียนรู้"
        verbose_name_plural = "มาตรฐานการเรียนรู้"

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
    code = models.CharField("รหัสตัวชี้วัด", max_length=32, unique=True)
    grade_levels = models.ManyToManyField(GradeLevel, related_name="indicators")
    description = models.TextField("คำอธิบาย")

    class Meta:
        ordering = ["code"]
        verbose_name = "ตัวชี้วัด"
        verbose_name_plural = "ตัวชี้วัด"

    def __str__(self) -> str:
        return self.code

    @property
    def subject_group(self) -> SubjectGroup:
        return self.standard.subject_group
