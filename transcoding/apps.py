from django.apps import AppConfig


class TranscodingConfig(AppConfig):
    name = "transcoding"
    verbose_name = "การแปลงไฟล์วิดีโอ (Transcoding)"
    default_auto_field = "django.db.models.BigAutoField"
