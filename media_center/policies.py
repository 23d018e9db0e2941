"""Authorisation of media items: core.policy's rules with the item's visibility.

Viewing also depends on the visibility the uploader chose: public items are
anyone's, signed-in items every account's ("shared"), school items their
school's, private items only their uploader's (and area staff's). Changing,
deleting and usage figures follow ownership alone.
"""

from __future__ import annotations

from django.db.models import Q

from core.policy import OWN, SCHOOL, ScopePolicy

from .models import MediaItem, Visibility


class MediaItemPolicy(ScopePolicy):
    model = MediaItem
    owner_field = "uploaded_by_user"
    school_field = "owner_school"

    def shared_q(self) -> Q:
        return Q(visibility__in=[Visibility.PUBLIC, Visibility.SIGNED_IN])

    def relation_q(self, relation: str, user, action: str) -> Q | None:
        rule = super().relation_q(relation, user, action)
        if action == "view" and relation == SCHOOL and rule is not None:
            # Private items stay with their uploader, even inside the school.
            rule &= ~Q(visibility=Visibility.PRIVATE)
        return rule

    def relations(self, user, action: str) -> frozenset[str]:
        found = super().relations(user, action)
        if action == "view" and user.is_authenticated:
            # Anyone may see what they uploaded, whatever their role.
            found = found | {OWN}
        return found

    def anonymous_q(self, action: str) -> Q | None:
        return Q(visibility=Visibility.PUBLIC) if action == "view" else None


media_item_policy = MediaItemPolicy()
