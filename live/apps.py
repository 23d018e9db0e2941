from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    """Live classes: scheduled sessions, their ingest and live ladder, their recordings.

    It sits at the top with notifications: it uses core, the transcoding
    service's public modules, the media centre (recordings) and lms (courses),
    and nothing below imports it; it shows on the learner's start page and in
    the calendar through what those register, and reaches school mirrors
    through the mirror service's registries and its public relaying module
    (live/mirror_sources.py, live/sources.py).
    """

    name = "live"
    verbose_name = _("Live classes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
