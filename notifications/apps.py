from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-site notifications, announcements and the "what's due" calendar.

    It sits with the project wiring (khlang), above the domain apps: it listens to
    their signals and Wagtail's, and reads who is enrolled where.
    """

    name = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
