"""Wagtail pages: every live page under the mirrored roots, generic over page types.

A page travels as Wagtail's own ``serializable_data`` (the form revisions use,
child relations included) plus its parent's ``translation_key``, which is the
page's identity on both sides. A page new to the mirror also takes central's
page id when that id is free there (the mirror authors no pages, so it nearly
always is): lesson URLs by id, a lesson's link to its course, bookmarks and
progress then name the same page on both sides. Where the id is taken by a
page of the mirror's own, Wagtail numbers the page and the translation key
still matches it, which is why results going up name pages by
``translation_key``, never by id. Tree positions are the mirror's own.
References to images, documents and media keep central's ids too; page types
that point at pages should still carry translation keys (see
mirror/README.md). Pages are
applied parents first and deleted children first, inside the sync transaction,
so a mirror shows a changed subtree whole or not at all. A page type may define
``mirror_scope()`` returning a scope (see sources/base.py), e.g. a lesson's
subject group and grades; without it a page goes to every mirror.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F
from wagtail.models import Locale, Page, Site

from .base import Record, SyncSource, reset_sequences

# Fields that describe the central copy's place, owner or editing state; the
# mirror sets its own.
LOCAL_FIELDS = {
    "owner",
    "locked_by",
    "locked_at",
    "locked",
    "live_revision",
    "latest_revision",
    "latest_revision_created_at",
    "alias_of",
    "locale",
    "content_type",
}


def mirrored_roots() -> list[Page]:
    """The roots whose subtrees are mirrored: every site's root page."""
    return [site.root_page for site in Site.objects.select_related("root_page").order_by("pk")]


def live_subtree(root: Page) -> Iterable[Page]:
    """Live pages under ``root`` (inclusive) whose ancestors up to it are live too."""
    hidden: list[str] = []
    for page in Page.objects.descendant_of(root, inclusive=True).order_by("path").specific():
        if any(page.path.startswith(prefix) for prefix in hidden):
            continue
        if not page.live:
            hidden.append(page.path)
            continue
        yield page


class PageSource(SyncSource):
    name = "wagtail.page"
    order = 60

    def records(self) -> Iterable[Record]:
        default_root = Site.objects.filter(is_default_site=True).values_list(
            "root_page_id", flat=True
        )
        default_root_id = next(iter(default_root), None)
        for root in mirrored_roots():
            for page in live_subtree(root):
                # Revisions leave datetimes in it; plain JSON keeps the digest stable.
                data = json.loads(json.dumps(page.serializable_data(), cls=DjangoJSONEncoder))
                for name in LOCAL_FIELDS:
                    data.pop(name, None)
                parent = None if page.pk == root.pk else page.get_parent()
                payload: dict[str, Any] = {
                    "model": page._meta.label,
                    "parent": str(parent.translation_key) if parent else None,
                    "depth": page.depth - root.depth,
                    "site_root": page.pk == default_root_id,
                    "data": data,
                }
                scope_method = getattr(page, "mirror_scope", None)
                scope = scope_method() if callable(scope_method) else {}
                yield Record(str(page.translation_key), payload, scope=scope)

    def apply_batch(self, upserts: list[dict], store) -> None:
        for entry in sorted(upserts, key=lambda e: e["payload"]["depth"]):
            self.apply(entry["key"], entry["payload"], entry["files"], store)
        reset_sequences(Page)

    def delete_batch(self, keys: list[str]) -> None:
        pages = Page.objects.filter(translation_key__in=keys).order_by("-depth")
        for page in pages:
            if Page.objects.filter(pk=page.pk).exists():  # a parent may have taken it
                page.delete()

    def apply(self, key, payload, files, store) -> None:
        model = apps.get_model(payload["model"])
        locale = Locale.get_default()
        if payload["parent"]:
            parent = Page.objects.get(translation_key=payload["parent"], locale=locale)
        else:
            parent = Page.get_first_root_node()
        existing = Page.objects.filter(translation_key=key, locale=locale).first()
        if existing is not None and existing.specific_class is not model:
            existing.delete()
            existing = None
        page = model.from_serializable_data(payload["data"], check_fks=True, strict_fks=False)
        page.content_type = ContentType.objects.get_for_model(model)
        page.locale = locale
        page.live = True
        page.has_unpublished_changes = False
        if existing is None:
            central_id = payload["data"].get("pk")
            if central_id is not None and not Page.objects.filter(pk=central_id).exists():
                _insert_with_id(parent, page, central_id)
            else:  # taken here: Wagtail numbers the page itself
                _set_pk(page, None)
                page.path, page.depth, page.numchild = "", None, 0  # treebeard places it
                page._state.adding = True
                parent.add_child(instance=page)
        else:
            if existing.get_parent().pk != parent.pk:
                existing.move(parent, pos="last-child")
                existing.refresh_from_db()
            _set_pk(page, existing.pk)
            page.path, page.depth, page.numchild = existing.path, existing.depth, existing.numchild
            page.set_url_path(parent)
            page.save(clean=False)
        if payload.get("site_root"):
            _point_default_site_at(page)

    def delete(self, key: str) -> None:
        self.delete_batch([key])


def _insert_with_id(parent: Page, page: Page, pk: int) -> None:
    """Add ``page`` as ``parent``'s last child under central's id.

    What treebeard's add_child does (next path, the parent's child count), then a
    plain INSERT: Wagtail's Page.save takes a page that has an id for one that
    is already stored.
    """
    _set_pk(page, pk)
    page.depth = parent.depth + 1
    last = parent.get_last_child()
    page.path = last._inc_path() if last else Page._get_path(parent.path, page.depth, 1)
    page.numchild = 0
    Page.objects.filter(path=parent.path).update(numchild=F("numchild") + 1)
    page.set_url_path(parent)
    page._state.adding = True
    models.Model.save(page, force_insert=True)


def _set_pk(page: Page, pk: int | None) -> None:
    page.pk = pk
    page.id = pk
    ptr = page._meta.pk
    if ptr.name != "id":
        setattr(page, ptr.attname, pk)


def _point_default_site_at(page: Page) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=page, is_default_site=True)
    elif site.root_page_id != page.pk:
        site.root_page = page
        site.save()
