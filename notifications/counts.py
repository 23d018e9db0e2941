"""The header's unread count, read on every page: cached, forgotten on change."""

from __future__ import annotations

from django.core.cache import cache

COUNT_SECONDS = 300


def unread_key(user_id: int) -> str:
    return f"khlang:notif-unread:{user_id}"


def unread_count(user_id: int) -> int:
    key = unread_key(user_id)
    count = cache.get(key)
    if count is None:
        from .models import Notification

        count = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
        cache.set(key, count, COUNT_SECONDS)
    return count


def forget(user_ids) -> None:
    cache.delete_many([unread_key(pk) for pk in set(user_ids)])
