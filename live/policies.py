"""Who sees and runs live sessions and classroom timetables, through core.policy's rules table.

A session belongs to its school (or, with none, to the area's studio); a
session for the whole area is shared with every school, a public one also
with visitors who have no account.

A timetable belongs to its school, or with none to the area, and then every
school shares it. Editing is further limited by the role's model permissions:
school admins change their school's timetables, area admins every one
(core.roles).

A school's classroom pages (its screens, the printed week, the screen link)
are its own accounts' and the area staff's: the policy is over schools, so a
school outside one's scope does not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.models import School
from core.policy import ScopePolicy

from .models import Audience, LiveSession, Timetable


class LiveSessionPolicy(ScopePolicy):
    model = LiveSession
    owner_field = "teacher"
    school_field = "school"

    def shared_q(self) -> Q:
        return Q(audience__in=[Audience.AREA, Audience.PUBLIC])

    def anonymous_q(self, action: str) -> Q | None:
        return Q(audience=Audience.PUBLIC) if action == "view" else None

    def visible_to_school(self, school) -> QuerySet:
        """The sessions every account of ``school`` may watch (a classroom's screen)."""
        return self.base_queryset().filter(Q(school=school) | self.shared_q())


class TimetablePolicy(ScopePolicy):
    model = Timetable
    school_field = "school"

    def shared_q(self) -> Q:
        return Q(school__isnull=True)


class ClassroomPolicy(ScopePolicy):
    """Schools whose classroom pages a user may open ("view") or whose screen link
    they may see and renew ("change": the school's teachers and admins, the area's)."""

    model = School
    school_field = "pk"


live_session_policy = LiveSessionPolicy()
timetable_policy = TimetablePolicy()
classroom_policy = ClassroomPolicy()
