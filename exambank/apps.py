from django.apps import AppConfig


class ExambankConfig(AppConfig):
    name = "exambank"
    verbose_name = "คลังข้อสอบ (Exam bank)"
    default_auto_field = "django.db.models.BigAutoField"
