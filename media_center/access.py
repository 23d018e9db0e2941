"""Who may see which media item: one rule, used by pages, APIs and file URLs."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import roles

from .models import MediaItem, Status, Visibility


def _is_area_staff(user) -> bool:
    return (
        user.is_superuser
        or roles.user_has_role(user, roles.AREA_ADMIN)
        or roles.user_has_role(user, roles.SUPERVISOR)
    )


def can_view(user, item: MediaItem) -> bool:
    if item.visibility == Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if item.uploaded_by_user_id == user.pk or _is_area_staff(user):
        return True
    if item.visibility == Visibility.SIGNED_IN:
        return True
    if item.visibility == Visibility.SCHOOL:
        return bool(user.school_id) and user.school_id == item.owner_school_id
    return False  # private: the uploader and area staff only


def visible_items(user) -> QuerySet[MediaItem]:
    """Ready items this user may see (browse pages, search, related items)."""
    items = MediaItem.objects.filter(status=Status.READY)
    if not user.is_authenticated:
        return items.filter(visibility=Visibility.PUBLIC)
    if _is_area_staff(user):
        return items
    rule = Q(visibility__in=[Visibility.PUBLIC, Visibility.SIGNED_IN]) | Q(uploaded_by_user=user)
    if user.school_id:
        rule |= Q(visibility=Visibility.SCHOOL, owner_school_id=user.school_id)
    return items.filter(rule)


def can_upload(user) -> bool:
    return user.is_authenticated and user.has_perm("media_center.add_mediaitem")
