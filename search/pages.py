"""Wagtail pages as catalog documents.

A page model joins the catalog in one of two ways:

- it says so itself, with class attributes::

      class LessonPage(Page):
          search_catalog = True                 # opt in
          catalog_doc_type = "lesson"           # default "page"
          catalog_body_fields = ["intro", "body"]  # text fields or StreamFields

      def catalog_document(self, doc):         # optional: add subjects, grades...
          doc.subject_codes = [self.subject_group.code]
          return doc

- or search registers it for a model it cannot change (core's HomePage and
  SectionPage, in search/search_catalog.py).

Only live pages are indexed; a page behind a password is private, behind a login
is for signed-in users, behind group membership is for teachers.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.html import strip_tags

from .documents import CatalogDocument, DocType, Visibility
from .registry import CatalogSource, register


def usage_popularity(obj) -> float:
    """How often an object was viewed, from the one record of usage (core.usage)."""
    from core.models import UsageEvent
    from core.usage import object_ref

    object_type, object_id = object_ref(obj)
    return float(UsageEvent.objects.filter(object_type=object_type, object_id=object_id).count())


def field_text(obj, field_name: str) -> str:
    """Plain text of a model field (rich text and StreamField included)."""
    value = getattr(obj, field_name, "")
    if value is None:
        return ""
    field = obj._meta.get_field(field_name)
    if hasattr(field, "get_searchable_content"):
        parts = field.get_searchable_content(value)
        return strip_tags(" ".join(str(p) for p in parts))
    return strip_tags(str(value))


def page_visibility(page) -> str:
    restrictions = list(page.get_view_restrictions())
    kinds = {r.restriction_type for r in restrictions}
    if "password" in kinds:
        return Visibility.PRIVATE
    if "groups" in kinds:
        return Visibility.TEACHERS
    if "login" in kinds:
        return Visibility.SIGNED_IN
    return Visibility.PUBLIC


class PageCatalogSource(CatalogSource):
    """Live pages of one page model."""

    def __init__(self, model, body_fields: list[str] | None = None, doc_type: str | None = None):
        self.model = model
        model_class = self.get_model()
        self.name = f"page:{model_class._meta.label_lower}"
        self.body_fields = (
            body_fields
            if body_fields is not None
            else list(getattr(model_class, "catalog_body_fields", []))
        )
        self.doc_type = doc_type or getattr(model_class, "catalog_doc_type", DocType.PAGE)

    def get_queryset(self):
        return self.get_model().objects.all()

    def handles(self, obj) -> bool:
        return type(obj) is self.get_model()

    def to_document(self, page) -> CatalogDocument | None:
        if not page.live or page.depth <= 1:
            return None
        url = page.get_url()
        if not url:
            return None  # not under any site: nobody can reach it
        body = " ".join(field_text(page, f) for f in self.body_fields)
        doc = CatalogDocument(
            title=page.title,
            url=url,
            doc_type=self.doc_type,
            description=page.search_description or "",
            body=body,
            owner_id=page.owner_id,
            published_at=page.first_published_at or page.last_published_at,
            popularity=usage_popularity(page),
            visibility=page_visibility(page),
            language=getattr(page.locale, "language_code", "th") or "th",
        )
        enrich = getattr(page, "catalog_document", None)
        return enrich(doc) if callable(enrich) else doc


def register_opted_in_pages() -> None:
    """Register every installed Page subclass that sets ``search_catalog = True``."""
    from wagtail.models import Page

    for model in apps.get_models():
        if issubclass(model, Page) and model.__dict__.get("search_catalog") is True:
            register(PageCatalogSource(model))
