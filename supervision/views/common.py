from __future__ import annotations

from django.http import Http404

from core import roles
from core.policy import role_of
from reports.periods import current_fiscal_year

from ..terms import current_term

SUPERVISORS = {roles.SUPERVISOR, roles.AREA_ADMIN}
STAFF = SUPERVISORS | {roles.SCHOOL_ADMIN}


def require_role(user, allowed: set[str]) -> str:
    """The user's role, if among ``allowed``; otherwise the page does not exist for them."""
    role = role_of(user)
    if role not in allowed:
        raise Http404
    return role


def chosen_term(request) -> tuple[int, int]:
    """``?fy=2570&term=1``; anything unreadable falls back to the current term."""
    fiscal_year, term = current_term()
    try:
        year = int(request.GET.get("fy", fiscal_year))
        chosen = int(request.GET.get("term", term))
    except ValueError:
        return fiscal_year, term
    current = current_fiscal_year()
    if current - 20 <= year <= current + 5 and chosen in (1, 2):
        return year, chosen
    return fiscal_year, term
