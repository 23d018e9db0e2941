"""Search's own catalog sources: the site's top pages, which core defines."""

from .pages import PageCatalogSource
from .registry import register

register(PageCatalogSource("core.HomePage", body_fields=["intro"]))
register(PageCatalogSource("core.SectionPage", body_fields=["intro"]))
