from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Khlang: core data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from . import signal_handlers, thai_slugs

        thai_slugs.install()

        post_migrate.connect(signal_handlers.ensure_roles_after_migrate)
        m2m_changed.connect(
            signal_handlers.forget_admin_link, sender=get_user_model().groups.through
        )
