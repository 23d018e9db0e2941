"""Media items in the site's Thai-aware catalog (found by search at start-up).

Only items that finished processing are searchable; their sharing level maps
one to one onto the catalog's visibility, so search never shows a private or
school-only item to someone the media page would refuse.
"""

from __future__ import annotations

from search.documents import CatalogDocument, Visibility
from search.pages import usage_popularity
from search.registry import CatalogSource, register

from .models import MediaItem, Status


class MediaItemSource(CatalogSource):
    name = "media_center.mediaitem"
    model = MediaItem

    def get_queryset(self):
        return MediaItem.objects.prefetch_related("subject_groups", "grade_levels", "indicators")

    def to_document(self, item: MediaItem) -> CatalogDocument | None:
        if item.status != Status.READY:
            return None
        return CatalogDocument(
            title=item.title,
            url=item.url,
            doc_type=item.type,  # video, audio, document, image, link: DocType codes
            description=item.description,
            subject_codes=[group.code for group in item.subject_groups.all()],
            grade_codes=[grade.code for grade in item.grade_levels.all()],
            indicator_codes=[indicator.code for indicator in item.indicators.all()],
            school_id=item.owner_school_id,
            area_id=item.owner_area_id,
            owner_id=item.uploaded_by_user_id,
            language=item.language or "th",
            licence=item.licence,
            published_at=item.created_at,
            popularity=usage_popularity(item),
            visibility=Visibility(item.visibility),
        )


register(MediaItemSource())
