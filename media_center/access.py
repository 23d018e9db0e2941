"""Who may see which media item: thin names over media_center.policies.

Kept because pages, the search index and file URLs import these names; the
rule itself lives in ``MediaItemPolicy`` (core.policy's table).
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import MediaItem, Status
from .policies import media_item_policy


def can_view(user, item: MediaItem) -> bool:
    return media_item_policy.user_has_permission_for_instance(user, "view", item)


def visible_items(user) -> QuerySet[MediaItem]:
    """Ready items this user may see (browse pages, search, related items)."""
    return media_item_policy.for_user(user, "view").filter(status=Status.READY)


def can_upload(user) -> bool:
    return user.is_authenticated and user.has_perm("media_center.add_mediaitem")
