"""Report pages. Each reads aggregates or snapshots only; counting happens in the beat task."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from core.i18n import bilingual
from core.models import Service
from core.pdf import render_template_pdf
from core.thaidate import fiscal_year_bounds

from . import queries
from .actions import AlreadyAnswered, submit_survey_response
from .adoption import GROUPING_LABELS, GROUPINGS, adoption
from .forms import SurveyResponseForm, TargetsForm
from .kpis import KPI_BY_CODE, dashboard, set_target, targets_for
from .models import AggregationState, KpiSnapshot, PeriodKind, Survey, SurveyLevel
from .periods import current_fiscal_year, months_of_fiscal_year
from .privacy import can_view_area, visible_people
from .svg import bar_chart, html_bar_chart
from .tables import Table, export_response


def area_required(view):
    """Anonymous visitors go to the login page; signed-in people without the right get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_view_area(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _fiscal_year(request) -> int:
    """``?fy=2570``; anything unreadable or far off falls back to the current year."""
    current = current_fiscal_year()
    try:
        year = int(request.GET.get("fy", current))
    except ValueError:
        return current
    return year if current - 20 <= year <= current + 5 else current


def _page(request, template: str, context: dict, tables: list[Table], basename: str):
    fmt = request.GET.get("export")
    if fmt:
        response = export_response(tables, fmt, request.GET.get("table", ""), basename)
        if response is None:
            raise Http404(bilingual("no such table"))
        return response
    current = current_fiscal_year()
    state = AggregationState.objects.filter(name="usage").first()
    return TemplateResponse(
        request,
        template,
        {
            "tables": tables,
            "years": list(range(current, current - 5, -1)),
            "aggregated_at": state.last_run_at if state else None,
            "query": request.GET.urlencode(),
            **context,
        },
    )


def _kpi_chart(statuses, draw=bar_chart) -> str:
    """Per cent of target, so a KPI counted in thousands and one counted in units compare."""
    shown = [s for s in statuses if s.ratio is not None]
    return draw(
        [s.kpi.label.split(" / ")[0] for s in shown],
        # xgettext:no-python-format
        [(bilingual("% of target"), [round(100 * s.ratio, 1) for s in shown])],
    )


@area_required
def dashboard_view(request):
    year = _fiscal_year(request)
    statuses = dashboard(year)
    table = Table(
        "kpis",
        bilingual("KPIs against targets"),
        [bilingual("KPI"), bilingual("Unit"), bilingual("Actual"), bilingual("Target"),
         bilingual("% of target"), bilingual("Met")],
        [
            [s.kpi.label, s.kpi.unit, "" if s.value is None else s.value, s.target,
             "" if s.ratio is None else round(100 * s.ratio, 1),
             "" if s.value is None else (gettext("met") if s.met else gettext("not met"))]
            for s in statuses
        ],
        [f"/reports/kpi/{s.kpi.code}/?fy={year}" for s in statuses],
    )  # fmt: skip
    return _page(
        request,
        "reports/dashboard.html",
        {
            "year": year,
            "statuses": statuses,
            "chart": _kpi_chart(statuses),
            "can_edit": request.user.has_perm("reports.change_kpitarget"),
        },
        [table],
        f"kpi-{year}",
    )


@area_required
def kpi_detail_view(request, code: str):
    kpi = KPI_BY_CODE.get(code)
    if kpi is None:
        raise Http404(bilingual("no such KPI"))
    year = _fiscal_year(request)
    snapshot = KpiSnapshot.objects.filter(fiscal_year=year, code=code).first()
    breakdown = snapshot.breakdown if snapshot else {}
    items = snapshot.items if snapshot else []
    tables = [
        Table(
            "breakdown",
            bilingual("Breakdown"),
            [bilingual("Group"), bilingual("Number")],
            [[k, v] for k, v in sorted(breakdown.items())],
        ),
        Table(
            "items",
            bilingual("Items counted"),
            [bilingual("Item"), bilingual("Group"), bilingual("Detail")],
            [[i["label"], i.get("group", ""), i.get("detail", "")] for i in items],
            [i.get("url", "") for i in items],
        ),
    ]
    status = next(s for s in dashboard(year) if s.kpi.code == code)
    chart = bar_chart(
        [bilingual("Actual"), bilingual("Target")], [(kpi.unit, [status.value or 0, status.target])]
    ) + bar_chart(list(breakdown), [(kpi.unit, [float(v) for v in breakdown.values()])])
    return _page(
        request,
        "reports/kpi_detail.html",
        {
            "year": year,
            "kpi": kpi,
            "snapshot": snapshot,
            "chart": chart,
            "target": targets_for(year)[code],
        },  # fmt: skip
        tables,
        f"kpi-{code}-{year}",
    )


@area_required
def usage_view(request):
    year = _fiscal_year(request)
    tables = queries.usage_tables(year)
    monthly = tables[2]
    months = months_of_fiscal_year(year)
    today = timezone.localdate().replace(day=1)
    default = today if today in months else months[-1]
    month = next((m for m in months if m.isoformat() == request.GET.get("month")), default)
    tables.append(queries.daily_table(month))
    chart = bar_chart(
        [row[0] for row in monthly.rows],
        [(bilingual("Visits"), [sum(row[1:-1]) for row in monthly.rows]),
         (bilingual("Unique users"), [row[-1] for row in monthly.rows])],
    )  # fmt: skip
    choices = [(m.isoformat(), queries.month_label(m)) for m in months]
    return _page(
        request,
        "reports/usage.html",
        {"year": year, "chart": chart, "months": choices, "month": month.isoformat()},
        tables,
        f"usage-{year}",
    )


@area_required
def schools_view(request):
    year = _fiscal_year(request)
    tables = queries.school_tables(year)
    networks = tables[0]
    chart = bar_chart(
        [r[0] for r in networks.rows], [(bilingual("Visits"), [r[2] for r in networks.rows])]
    )
    return _page(
        request, "reports/schools.html", {"year": year, "chart": chart}, tables, f"schools-{year}"
    )


@area_required
def objects_view(request):
    year = _fiscal_year(request)
    service = request.GET.get("service", "")
    if service and service not in Service.values:
        service = ""
    tables = queries.object_tables(year, service)
    subjects = tables[1]
    chart = bar_chart(
        [r[0] for r in subjects.rows], [(bilingual("Views"), [r[1] for r in subjects.rows])]
    )
    return _page(
        request,
        "reports/objects.html",
        {"year": year, "chart": chart, "service": service, "services": Service.choices},
        tables,
        f"items-{year}",
    )


@area_required
def adoption_view(request):
    year = _fiscal_year(request)
    grouping = request.GET.get("group", "network")
    if grouping not in GROUPINGS:
        grouping = "network"
    service = request.GET.get("service", "")
    if service and service not in Service.values:
        service = ""
    month = request.GET.get("month", "")
    months = months_of_fiscal_year(year)
    chosen = next((m for m in months if m.isoformat() == month), None)
    if chosen:
        groups = adoption(PeriodKind.MONTH, chosen, grouping, service or None)
    else:
        groups = adoption(
            PeriodKind.FISCAL_YEAR, fiscal_year_bounds(year)[0], grouping, service or None
        )
    shares = Table(
        "adoption",
        bilingual("Share of schools active by %(grouping)s", grouping=GROUPING_LABELS[grouping]),
        [bilingual("Group"), bilingual("Schools"), bilingual("Active"), bilingual("Inactive"),
         bilingual("Share %")],
        [[g.label, len(g.schools), len(g.active), len(g.inactive), g.share] for g in groups],
    )  # fmt: skip
    inactive = Table(
        "inactive",
        bilingual("Inactive schools"),
        [bilingual("Group"), bilingual("Code"), bilingual("School")],
        [[g.label, s["code"], s["name"]] for g in groups for s in g.inactive],
    )
    chart = bar_chart([g.label for g in groups], [(bilingual("%"), [g.share for g in groups])])
    return _page(
        request,
        "reports/adoption.html",
        {
            "year": year,
            "chart": chart,
            "grouping": grouping,
            "groupings": GROUPINGS,
            "months": [(m.isoformat(), queries.month_label(m)) for m in months],
            "month": chosen.isoformat() if chosen else "",
            "service": service,
            "services": Service.choices,
        },  # fmt: skip
        [shares, inactive],
        f"adoption-{year}",
    )


@login_required
def people_view(request):
    year = _fiscal_year(request)
    try:
        school_id = int(request.GET.get("school", "") or 0) or None
    except ValueError:
        school_id = None
    table = queries.people_table(year, visible_people(request.user), school_id)
    return _page(request, "reports/people.html", {"year": year}, [table], f"people-{year}")


@require_http_methods(["GET", "POST"])
@login_required
def targets_view(request):
    if not request.user.has_perm("reports.change_kpitarget"):
        raise PermissionDenied
    year = _fiscal_year(request)
    form = TargetsForm(request.POST or None, targets=targets_for(year))
    if request.method == "POST" and form.is_valid():
        for code, value in form.cleaned_data.items():
            set_target(year, code, value, request.user)
        messages.success(request, bilingual("targets saved"))
        return redirect(f"/reports/?fy={year}")
    return TemplateResponse(
        request,
        "reports/targets.html",
        {"form": form, "year": year, "years": range(year - 2, year + 4)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def survey_view(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # No "already answered?" read first: the unique constraint decides, race-free.
        try:
            submit_survey_response(
                survey, request.user, form.cleaned_data["level"], form.cleaned_data["comment"]
            )
        except (AlreadyAnswered, ValueError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, bilingual("thank you for your answer"))
        return redirect("reports_survey", pk=pk)
    answered = survey.responses.filter(user=request.user).exists()
    return TemplateResponse(
        request, "reports/survey.html", {"survey": survey, "form": form, "answered": answered}
    )


@area_required
def survey_results_view(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    counts = {level: 0 for level in SurveyLevel.values}
    for level in survey.responses.values_list("level", flat=True):
        counts[level] += 1
    total = sum(counts.values())
    high = counts[4] + counts[5]
    levels = Table(
        "levels",
        bilingual("Responses per level"),
        [bilingual("Level"), bilingual("Number of responses")],
        [[str(SurveyLevel(level).label), n] for level, n in sorted(counts.items(), reverse=True)],
    )
    comments = Table(
        "comments",
        bilingual("Comments"),
        [bilingual("Date"), bilingual("Level"), bilingual("Comment")],
        [
            [timezone.localtime(r.created_at).date().isoformat(), r.level, r.comment]
            for r in survey.responses.exclude(comment="").order_by("-created_at")
        ],
    )
    chart = bar_chart(
        [r[0] for r in levels.rows], [(bilingual("Responses"), [r[1] for r in levels.rows])]
    )
    return _page(
        request,
        "reports/survey_results.html",
        {
            "survey": survey,
            "total": total,
            "share": round(100 * high / total, 1) if total else 0,
            "chart": chart,
            "year": current_fiscal_year(),
        },  # fmt: skip
        [levels, comments],
        f"survey-{pk}",
    )


@area_required
def annual_pdf_view(request, year: int):
    """The printable annual summary (core.pdf says why WeasyPrint)."""
    statuses = dashboard(year)
    usage = queries.usage_tables(year)
    pdf = render_template_pdf(
        "reports/annual_pdf.html",
        {
            "year": year,
            "statuses": statuses,
            "chart": _kpi_chart(statuses, html_bar_chart),
            "tables": usage,
            "bounds": fiscal_year_bounds(year),
            "generated": timezone.now(),
        },  # fmt: skip
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="khlang-annual-{year}.pdf"'
    return response
