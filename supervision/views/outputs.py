"""What the office files: the record PDF, a school's summary, the year's counts; media use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import roles
from core.i18n import bilingual
from core.models import School, User
from core.policy import role_of
from reports.periods import current_fiscal_year
from reports.tables import export_response

from .. import actions, media_use
from ..pdf import record_pdf
from ..policies import media_use_policy, observation_policy, school_summary_policy
from ..summaries import fiscal_year_tables, school_summary, school_tables
from .common import SUPERVISORS, chosen_term, require_role


@login_required
def record_pdf_view(request, pk: int):
    record = observation_policy.get_or_404(request.user, "view", pk=pk)
    response = HttpResponse(record_pdf(record, request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="supervision-{record.pk}.pdf"'
    return response


def _export(request, tables, basename):
    fmt = request.GET.get("export")
    if not fmt:
        return None
    response = export_response(tables, fmt, request.GET.get("table", ""), basename)
    if response is None:
        raise Http404(bilingual("no such table"))
    return response


@login_required
def school_view(request, pk: int):
    school = school_summary_policy.get_or_404(request.user, "view", pk=pk)
    scoped = observation_policy.for_user(request.user)
    tables = school_tables(school, scoped)
    exported = _export(request, tables, f"supervision-{school.code}")
    if exported:
        return exported
    return TemplateResponse(
        request,
        "supervision/school.html",
        {"school": school, "summary": school_summary(school, scoped), "tables": tables},
    )


@login_required
def counts_view(request):
    """Fiscal-year counts for the KPI reports: area staff (everything) only."""
    require_role(request.user, SUPERVISORS)
    current = current_fiscal_year()
    try:
        year = int(request.GET.get("fy", current))
    except ValueError:
        year = current
    if not current - 20 <= year <= current + 5:
        year = current
    tables = fiscal_year_tables(year)
    exported = _export(request, tables, f"supervision-{year}")
    if exported:
        return exported
    return TemplateResponse(
        request,
        "supervision/counts.html",
        {"year": year, "tables": tables, "years": list(range(current, current - 5, -1)),
         "query": request.GET.urlencode()},
    )  # fmt: skip


@login_required
def media_use_view(request):
    """Media use per school this term against the area's targets; unused schools first.

    Whoever may read a school's statistics (core.policy, content "stats"): the
    area's staff every school, a school's teachers and director their own."""
    if role_of(request.user) == roles.STUDENT:
        raise Http404
    schools = media_use_policy.for_user(request.user, "stats").filter(is_active=True)
    fiscal_year, term = chosen_term(request)
    rows = media_use.overview(list(schools.select_related("network")), fiscal_year, term)
    return TemplateResponse(
        request,
        "supervision/media_use.html",
        {
            "rows": rows,
            "fiscal_year": fiscal_year,
            "term": term,
            "targets": media_use.targets_for(fiscal_year),
            "unused": sum(1 for r in rows if r.unused),
            "query": request.GET.urlencode(),
            "may_plan": role_of(request.user) in SUPERVISORS,
            "supervisors": User.objects.filter(supervision_plans__isnull=False).distinct()
            if role_of(request.user) == roles.AREA_ADMIN
            else [],
        },
    )


@login_required
def media_school_view(request, pk: int):
    school = media_use_policy.get_or_404(request.user, "stats", pk=pk)
    fiscal_year, term = chosen_term(request)
    return TemplateResponse(
        request,
        "supervision/media_school.html",
        {
            "school": school,
            "fiscal_year": fiscal_year,
            "term": term,
            "detail": media_use.school_detail(school, fiscal_year, term),
            "targets": media_use.targets_for(fiscal_year),
        },
    )


@login_required
@require_POST
def plan_visit_view(request):
    """One click from a flagged school: add it to the supervisor's plan of the term."""
    role = require_role(request.user, SUPERVISORS)
    school = School.objects.filter(pk=request.POST.get("school") or 0, is_active=True).first()
    if school is None:
        raise Http404
    supervisor = request.user
    if role == roles.AREA_ADMIN and request.POST.get("supervisor"):
        supervisor = (
            User.objects.filter(pk=request.POST["supervisor"], supervision_plans__isnull=False)
            .distinct()
            .first()
            or request.user
        )
    fiscal_year, term = chosen_term(request)
    try:
        entry = actions.plan_visit(supervisor, school, fiscal_year, term)
    except actions.NoRubric:
        messages.error(request, bilingual(actions.NO_RUBRIC))
        return redirect("supervision:media_use")
    messages.success(
        request,
        _("%(school)s is in the plan of %(name)s for term %(term)s.")
        % {"school": school.name, "name": supervisor.get_full_name() or supervisor.username,
           "term": term},
    )  # fmt: skip
    return redirect("supervision:plan", pk=entry.plan_id)
