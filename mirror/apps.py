from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MirrorConfig(AppConfig):
    name = "mirror"
    verbose_name = _("School mirror")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .sources import register_source
        from .sources.core import CORE_SOURCES
        from .sources.files import FILE_SOURCES
        from .sources.pages import PageSource

        for source in [*CORE_SOURCES, *FILE_SOURCES, PageSource()]:
            register_source(source)
        from django.utils.module_loading import import_string

        from .conf import mirror_settings

        for dotted in mirror_settings.EXTRA_SOURCES:
            extra = import_string(dotted)
            register_source(extra() if isinstance(extra, type) else extra)
        # Each app's own sources and result kinds live in its ``mirror_sources``
        # module, which registers them on import (like wagtail_hooks): the app
        # needs no code in its AppConfig and the mirror imports no app by name.
        from django.utils.module_loading import autodiscover_modules

        from . import results  # noqa: F401  (registers the usage_event kind)

        autodiscover_modules("mirror_sources")
