from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervisors follow teaching and media use in the schools of their caseload.

    A top-layer app: it reads core, the domain apps, reports and notifications,
    and plugs into the mirror and the KPI registry through their public APIs
    (``mirror_sources.py`` and ``kpi.py``, found by those apps); none of them
    imports it.
    """

    name = "supervision"
    verbose_name = _("Supervision")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
