from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KhlangConfig(AppConfig):
    """The project layer: the header menu and the commands that wire every app."""

    name = "khlang"
    verbose_name = _("Khlang")

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
