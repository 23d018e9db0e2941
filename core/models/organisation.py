"""Area office → school network (ศูนย์เครือข่าย) → school."""

from django.db import models


class SizeClass(models.TextChoices):
    # OBEC's bands by enrolment.
    SMALL = "small", "เล็ก (Small, ≤ 120)"
    MEDIUM = "medium", "กลาง (Medium, 121–600)"
    LARGE = "large", "ใหญ่ (Large, 601–1,500)"
    EXTRA_LARGE = "extra_large", "ใหญ่พิเศษ (Extra large, > 1,500)"


class LinkType(models.TextChoices):
    FIBRE = "fibre", "ไฟเบอร์ (Fibre)"
    ADSL = "adsl", "ADSL"
    MOBILE = "mobile", "4G/5G (Mobile)"
    SATELLITE = "satellite", "ดาวเทียม (Satellite)"
    NONE = "none", "ไม่มี (None)"


class AreaOffice(models.Model):
    """สำนักงานเขตพื้นที่การศึกษา (สพท.): the central site's owner."""

    code = models.CharField("รหัสเขต", max_length=16, unique=True)
    name = models.CharField("ชื่อเขตพื้นที่", max_length=200)
    name_en = models.CharField("ชื่อ (อังกฤษ)", max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "สำนักงานเขตพื้นที่การศึกษา"
        verbose_name_plural = "สำนักงานเขตพื้นที่การศึกษา"

    def __str__(self) -> str:
        return self.name


class SchoolNetwork(models.Model):
    """ศูนย์เครือข่ายสถานศึกษา: a cluster of nearby schools."""

    area = models.ForeignKey(AreaOffice, on_delete=models.PROTECT, related_name="networks")
    name = models.CharField("ชื่อศูนย์เครือข่าย", max_length=200)

    class Meta:
        ordering = ["area", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="unique_network_per_area")
        ]
        verbose_name = "ศูนย์เครือข่าย"
        verbose_name_plural = "ศูนย์เครือข่าย"

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    code = models.CharField("รหัสโรงเรียน", max_length=16, unique=True, help_text="OBEC school code")
    name = models.CharField("ชื่อโรงเรียน", max_length=200)
    network = models.ForeignKey(SchoolNetwork, on_delete=models.PROTECT, related_name="schools")
    district = models.CharField("อำเภอ", max_length=100)
    size_class = models.CharField("ขนาด", max_length=12, choices=SizeClass.choices)
    link_type = models.CharField("การเชื่อมต่อ", max_length=12, choices=LinkType.choices)
    bandwidth_kbps = models.PositiveIntegerField("ความเร็ว (kbps)", default=0)
    is_active = models.BooleanField("เปิดใช้งาน", default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "โรงเรียน"
        verbose_name_plural = "โรงเรียน"

    def __str__(self) -> str:
        return self.name

    @property
    def area(self) -> AreaOffice:
        return self.network.area
