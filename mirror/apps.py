from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "mirror"
    verbose_name = "เครื่องแม่ข่ายสำรองของโรงเรียน (School mirror)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .sources import register_source
        from .sources.core import CORE_SOURCES
        from .sources.files import FILE_SOURCES
        from .sources.pages import PageSource

        for source in [*CORE_SOURCES, *FILE_SOURCES, PageSource()]:
            register_source(source)
        from . import results  # noqa: F401  (registers the usage_event kind)
