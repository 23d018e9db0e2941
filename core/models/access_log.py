from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """One request, kept for the Computer Crime Act (พ.ร.บ.คอมพิวเตอร์ฯ).

    Deliberately no foreign key: the log must outlive the user row, and inserts
    must not take locks on the users table.
    """

    time = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=2000)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.ip} {self.method} {self.path} {self.status}"
