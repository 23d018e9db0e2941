"""Who sees which supervision record, plan and school summary (core.policy, kind "supervision").

A teacher sees the records about themselves, a director (school admin) their
school's, a supervisor their caseload (the schools in their plans, and every
record they wrote), the area admin all. A draft is the supervisor's alone until
it is shared. Outside one's scope a record does not exist (404).
"""

from __future__ import annotations

from django.db.models import Q

from core.models import School
from core.policy import CASELOAD, CONTENT, OWN, SCHOOL, SUPERVISION, ScopePolicy

from .models import Observation, Plan, PlanEntry, Status


def caseload_school_ids(user):
    """Schools in any of the user's plans (a subquery)."""
    return PlanEntry.objects.filter(plan__supervisor=user).values("school_id")


class ObservationPolicy(ScopePolicy):
    model = Observation
    kind = SUPERVISION
    owner_field = "teacher"
    school_field = "school"

    def relation_q(self, relation: str, user, action: str) -> Q | None:
        if relation == CASELOAD:
            return Q(supervisor=user.pk) | Q(school__in=caseload_school_ids(user))
        found = super().relation_q(relation, user, action)
        if found is not None and relation in (OWN, SCHOOL):
            return found & ~Q(status=Status.DRAFT)
        return found


class PlanPolicy(ScopePolicy):
    """Plans: their supervisor and the area admin (a director sees plans naming their school)."""

    model = Plan
    kind = SUPERVISION

    def relation_q(self, relation: str, user, action: str) -> Q | None:
        if relation == CASELOAD:
            return Q(supervisor=user.pk)
        if relation == SCHOOL and getattr(user, "school_id", None):
            return Q(pk__in=PlanEntry.objects.filter(school=user.school_id).values("plan_id"))
        if relation == OWN:
            return None
        return super().relation_q(relation, user, action)


class SchoolSummaryPolicy(ScopePolicy):
    """A school's supervision summary: its director, its supervisors, the area."""

    model = School
    kind = SUPERVISION

    def relation_q(self, relation: str, user, action: str) -> Q | None:
        if relation == CASELOAD:
            written = Observation.objects.filter(supervisor=user.pk).values("school_id")
            return Q(pk__in=caseload_school_ids(user)) | Q(pk__in=written)
        if relation == SCHOOL:
            school_id = getattr(user, "school_id", None)
            return Q(pk=school_id) if school_id else None
        if relation == OWN:
            return None
        return super().relation_q(relation, user, action)


class MediaUsePolicy(ScopePolicy):
    """Media-use figures of a school: whoever may read the school's statistics."""

    model = School
    kind = CONTENT

    def relation_q(self, relation: str, user, action: str) -> Q | None:
        if relation == SCHOOL:
            school_id = getattr(user, "school_id", None)
            return Q(pk=school_id) if school_id else None
        if relation == OWN:
            return None
        return super().relation_q(relation, user, action)


observation_policy = ObservationPolicy()
plan_policy = PlanPolicy()
school_summary_policy = SchoolSummaryPolicy()
media_use_policy = MediaUsePolicy()
