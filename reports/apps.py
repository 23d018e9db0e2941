from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import signal_handlers

        signal_handlers.register()
        # Every installed app may contribute KPI counters, object dimensions and
        # class members from its own kpi.py (see reports.registry).
        autodiscover_modules("kpi")
