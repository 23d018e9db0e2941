from django.apps import AppConfig


class MediaCenterConfig(AppConfig):
    name = "media_center"
    verbose_name = "ศูนย์รวมสื่อการเรียนรู้ (Media center)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signal_handlers  # noqa: F401
