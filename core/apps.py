from django.apps import AppConfig
from django.db.models.signals import pre_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Khlang: core data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
        # Stored HTML is cleaned when written, whatever path writes it (core.html).
        from . import admin_csp
        from .html import clean_page_on_save

        admin_csp.install()

        pre_save.connect(clean_page_on_save, dispatch_uid="khlang-clean-page-html")
