"""The admin's page views, through Wagtail's own extension point for them.

Wagtail routes every page admin view through the viewset registered for the page's
model (``page_viewset_registry``); registering a ``PageViewSet`` for ``Page`` replaces
the default one for every page type that has none of its own.
"""

from __future__ import annotations

from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page


class PageSearchView(SearchView):
    """Page search that names what it counts.

    Wagtail 8.0's search view has no model, so the results' header read
    "1-1 of 1 None" (in Thai, "1-1 จาก 1 None"): it takes the model's names from
    the view, which here were never set.
    """

    verbose_name = Page._meta.verbose_name
    verbose_name_plural = Page._meta.verbose_name_plural


class SitePageViewSet(PageViewSet):
    search_view_class = PageSearchView
