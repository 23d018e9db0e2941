"""Area office → school network (ศูนย์เครือข่าย) → school."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SizeClass(models.TextChoices):
    # OBEC's bands by enrolment.
    SMALL = "small", _("Small (≤ 120)")
    MEDIUM = "medium", _("Medium (121–600)")
    LARGE = "large", _("Large (601–1,500)")
    EXTRA_LARGE = "extra_large", _("Extra large (> 1,500)")


class LinkType(models.TextChoices):
    FIBRE = "fibre", _("Fibre")
    ADSL = "adsl", "ADSL"
    MOBILE = "mobile", _("4G/5G (mobile)")
    SATELLITE = "satellite", _("Satellite")
    NONE = "none", _("None")


class AreaOffice(models.Model):
    """สำนักงานเขตพื้นที่การศึกษา (สพท.): the central site's owner."""

    code = models.CharField(_("area office code"), max_length=16, unique=True)
    name = models.CharField(_("area office name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("area office")
        verbose_name_plural = _("area offices")

    def __str__(self) -> str:
        return self.name


class SchoolNetwork(models.Model):
    """ศูนย์เครือข่ายสถานศึกษา: a cluster of nearby schools."""

    area = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="networks")
    name = models.CharField(_("school network name"), max_length=200)

    class Meta:
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="unique_network_per_area")
        ]
        verbose_name = _("school network")
        verbose_name_plural = _("school networks")

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    code = models.CharField(
        _("school code"), max_length=16, unique=True, help_text=_("OBEC school code")
    )
    name = models.CharField(_("school name"), max_length=200)
    network = models.ForeignKey(SchoolNetwork, on_delete=models.PROTECT, related_name="schools")
    district = models.CharField(_("district"), max_length=100)
    size_class = models.CharField(_("size"), max_length=12, choices=SizeClass.choices)
    link_type = models.CharField(_("link"), max_length=12, choices=LinkType.choices)
    bandwidth_kbps = models.PositiveIntegerField(_("bandwidth (kbps)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name

    @property
    def area(self) -> AreaOffice:
        return self.network.area
