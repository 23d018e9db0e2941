from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "คลัง: ข้อมูลหลัก (Core)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signal_handlers, thai_slugs

        thai_slugs.install()

        post_migrate.connect(signal_handlers.ensure_roles_after_migrate)
