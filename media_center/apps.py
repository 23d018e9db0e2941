from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaCenterConfig(AppConfig):
    name = "media_center"
    verbose_name = _("Media center")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from transcoding import reporting

        from . import signal_handlers
        from .transcode_target import MediaCenterTarget

        signal_handlers.register()
        reporting.register(MediaCenterTarget())
