"""The supervision home (by role), a plan's caseload and coverage."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse

from core import roles
from core.policy import role_of

from ..models import Observation, Plan
from ..policies import observation_policy, plan_policy
from ..terms import term_bounds
from .common import SUPERVISORS, chosen_term


def coverage(plan: Plan) -> dict:
    """Schools planned and visited (a shared or draft record in the term, by its supervisor)."""
    planned = set(plan.entries.values_list("school_id", flat=True))
    start, end = term_bounds(plan.fiscal_year, plan.term)
    visited = set(
        Observation.objects.filter(
            supervisor=plan.supervisor_id,
            school_id__in=planned,
            visited_on__gte=start,
            visited_on__lte=end,
        ).values_list("school_id", flat=True)
    )
    return {
        "planned": len(planned),
        "visited": len(visited),
        "visited_ids": visited,
        "percent": round(100 * len(visited) / len(planned)) if planned else 0,
    }


@login_required
def home(request):
    """Supervisors: this term's plans and coverage; everyone: the records in their scope."""
    role = role_of(request.user)
    fiscal_year, term = chosen_term(request)
    plans = []
    if role in SUPERVISORS or role == roles.SCHOOL_ADMIN:
        found = plan_policy.for_user(request.user).filter(fiscal_year=fiscal_year, term=term)
        plans = [(p, coverage(p)) for p in found.select_related("supervisor", "rubric")]
    records = (
        observation_policy.for_user(request.user)
        .select_related("school", "teacher", "supervisor")
        .order_by("-visited_on", "-pk")[:200]
    )
    return TemplateResponse(
        request,
        "supervision/home.html",
        {
            "role": role,
            "plans": plans,
            "records": records,
            "fiscal_year": fiscal_year,
            "term": term,
            "is_supervisor": role in SUPERVISORS,
        },
    )


@login_required
def plan_detail(request, pk: int):
    plan = plan_policy.get_or_404(request.user, "view", pk=pk)
    entries = plan.entries.select_related("school", "teacher").order_by("school__code")
    cover = coverage(plan)
    records = observation_policy.for_user(request.user).filter(plan=plan)
    return TemplateResponse(
        request,
        "supervision/plan.html",
        {
            "plan": plan,
            "entries": entries,
            "coverage": cover,
            "records": records.select_related("school", "teacher"),
            "may_record": role_of(request.user) in SUPERVISORS
            and (
                request.user.pk == plan.supervisor_id or role_of(request.user) == roles.AREA_ADMIN
            ),
        },
    )
