from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "การค้นหา (Search)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import registry, signal_handlers

        registry.autodiscover()
        signal_handlers.connect()
