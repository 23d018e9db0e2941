"""The catalog: one denormalised row per searchable thing, whatever app owns it.

Every backend indexes this one shape. The database backend reads it directly
(SQLite FTS5 or a PostgreSQL tsvector over ``title_seg``/``body_seg``); the
Elasticsearch backend is fed from it. ``*_seg`` hold the text already cut into
Thai words (search.thai), so all backends match the same words.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .documents import Visibility


class CatalogEntry(models.Model):
    source = models.CharField(_("source"), max_length=64)
    object_key = models.CharField(_("object key"), max_length=64)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    body = models.TextField(_("body"), blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    title_seg = models.TextField(blank=True)
    body_seg = models.TextField(blank=True)
    title_norm = models.CharField(max_length=500, blank=True, db_index=True)
    url = models.CharField(max_length=500)
    thumbnail_url = models.CharField(max_length=500, blank=True)
    doc_type = models.CharField(_("type"), max_length=32, db_index=True)
    subject_codes = models.CharField(max_length=64, blank=True)
    grade_codes = models.CharField(max_length=128, blank=True)
    indicator_codes = models.TextField(blank=True)
    school_id = models.BigIntegerField(null=True, blank=True)
    area_id = models.BigIntegerField(null=True, blank=True)
    owner_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8, default="th")
    licence = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    popularity = models.FloatField(default=0, db_index=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, db_index=True)
    held = models.BooleanField(default=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "object_key"], name="unique_catalog_object")
        ]
        verbose_name = _("catalog entry")
        verbose_name_plural = _("catalog entries")

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def split_codes(value: str) -> list[str]:
        return [c for c in value.split("|") if c]


class CatalogFacet(models.Model):
    """One (facet, value) pair of an entry: counted with GROUP BY for facet counts."""

    entry = models.ForeignKey(CatalogEntry, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=16)  # subject | grade | type | school
    value = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["facet", "value", "entry"])]
        constraints = [
            models.UniqueConstraint(fields=["entry", "facet", "value"], name="unique_entry_facet")
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class CatalogTerm(models.Model):
    """A word seen in the catalog: candidates for correcting a misspelt query."""

    term = models.CharField(max_length=64, unique=True)
    length = models.PositiveSmallIntegerField(db_index=True)

    def __str__(self) -> str:
        return self.term


class ReindexRun(models.Model):
    """Progress of a reindex, so an interrupted one resumes where it stopped."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    backend = models.CharField(max_length=16)
    target = models.CharField(max_length=128, blank=True)  # the ES index being built
    # {"source name": last primary key done (as string), ...}
    positions = models.JSONField(default=dict)
    done_sources = models.JSONField(default=list)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"reindex {self.backend} {self.started_at:%Y-%m-%d %H:%M}"
