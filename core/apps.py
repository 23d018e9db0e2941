from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate, pre_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "คลัง: ข้อมูลหลัก (Core)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from . import signal_handlers, thai_slugs

        thai_slugs.install()

        post_migrate.connect(signal_handlers.ensure_roles_after_migrate)
        # Stored HTML is cleaned when written, whatever path writes it (core.html).
        from . import admin_csp
        from .html import clean_page_on_save

        admin_csp.install()

        pre_save.connect(clean_page_on_save, dispatch_uid="khlang-clean-page-html")
        m2m_changed.connect(
            signal_handlers.forget_admin_link, sender=get_user_model().groups.through
        )
