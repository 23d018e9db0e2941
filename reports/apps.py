from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "รายงานและตัวชี้วัด (Reports)"
    default_auto_field = "django.db.models.BigAutoField"
