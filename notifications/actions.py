"""Named actions: everything that creates or reads notifications goes through here."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from . import counts
from .models import Announcement, Notification


def notify(
    user_ids: Iterable[int],
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    dedupe_key: str = "",
) -> int:
    """One notification per user (at most one per user and dedupe_key); e-mail after commit.

    Text is stored as written (in the site's language when built by the caller
    under ``in_site_language``); templates escape it when shown.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    if dedupe_key:
        done = set(
            Notification.objects.filter(user_id__in=ids, dedupe_key=dedupe_key).values_list(
                "user_id", flat=True
            )
        )
        ids = [pk for pk in ids if pk not in done]
    rows = [
        Notification(
            user_id=pk, kind=kind, title=title[:255], url=url, body=body, dedupe_key=dedupe_key
        )
        for pk in ids
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    counts.forget(ids)
    if ids:
        from .tasks import send_emails_task

        transaction.on_commit(lambda: send_emails_task.delay(ids, title, url, body))
    return len(ids)


def mark_read(user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        rows = rows.filter(pk__in=list(notification_ids))
    changed = rows.update(read_at=timezone.now())
    counts.forget([user.pk])
    return changed


def announce(announcement: Announcement) -> None:
    """Send an announcement to its school's people, or the whole area's."""
    from .tasks import fan_out_announcement_task

    transaction.on_commit(lambda: fan_out_announcement_task.delay(announcement.pk))


class in_site_language(translation.override):
    """Texts stored for many readers are written in the site's language (Thai)."""

    def __init__(self) -> None:
        super().__init__(settings.LANGUAGE_CODE)
