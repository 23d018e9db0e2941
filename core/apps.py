from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Khlang: core data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import admin_csp, signal_handlers

        admin_csp.install()
        signal_handlers.register()
