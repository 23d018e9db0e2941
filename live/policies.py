"""Who sees and runs live sessions, through core.policy's rules table.

A session belongs to its school (or, with none, to the area's studio); a
session for the whole area is shared with every school, a public one also
with visitors who have no account.
"""

from __future__ import annotations

from django.db.models import Q

from core.policy import ScopePolicy

from .models import Audience, LiveSession


class LiveSessionPolicy(ScopePolicy):
    model = LiveSession
    owner_field = "teacher"
    school_field = "school"

    def shared_q(self) -> Q:
        return Q(audience__in=[Audience.AREA, Audience.PUBLIC])

    def anonymous_q(self, action: str) -> Q | None:
        return Q(audience=Audience.PUBLIC) if action == "view" else None


live_session_policy = LiveSessionPolicy()


def for_school_mirror(school_id: int | None):
    """The sessions a school's mirror receives and relays: its school's own, and
    every session shared with the area or the public (a studio session for its
    own school only has no school's mirror to go to)."""
    shared = Q(audience__in=[Audience.AREA, Audience.PUBLIC])
    if school_id is None:
        return LiveSession.objects.filter(shared)
    return LiveSession.objects.filter(shared | Q(school_id=school_id))
