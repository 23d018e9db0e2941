"""Reads of the aggregate tables, shaped as report tables (no raw events here)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Sum

from core.i18n import bilingual
from core.models import GradeLevel, School, SchoolNetwork, Service, SubjectGroup, User
from core.thaidate import THAI_MONTHS_ABBR, be_year, fiscal_year_bounds

from .models import (
    DimensionUsage,
    ObjectUsage,
    PeriodKind,
    PersonUsage,
    ReportObject,
    UsageCell,
    UserSet,
)
from .periods import months_of_fiscal_year, next_month
from .tables import Table

FY = PeriodKind.FISCAL_YEAR
AUTHOR_ACTIONS = ("author", "publish")
LEARNING_SERVICES = (Service.ELEARNING, Service.TUTOR, Service.TRAINING)


def _hours(seconds: float | None) -> float:
    return round((seconds or 0) / 3600, 1)


def _users(kind: str, start: dt.date, scope: str) -> dict[str, int]:
    return dict(
        UserSet.objects.filter(kind=kind, start=start, scope=scope).values_list("key", "users")
    )


def month_label(month: dt.date) -> str:
    return f"{THAI_MONTHS_ABBR[month.month - 1]} {be_year(month.year)}"


def usage_tables(fiscal_year: int) -> list[Table]:
    start, _ = fiscal_year_bounds(fiscal_year)
    services = [s for s in Service]
    months = months_of_fiscal_year(fiscal_year)
    monthly = defaultdict(int)
    for row in (
        UsageCell.objects.filter(kind=PeriodKind.MONTH, start__in=months)
        .values("start", "service")
        .annotate(n=Sum("views"))
        .order_by()
    ):
        monthly[(row["start"], row["service"])] = row["n"]
    month_users = {
        m: u
        for m, u in UserSet.objects.filter(
            kind=PeriodKind.MONTH, start__in=months, scope="all"
        ).values_list("start", "users")
    }
    by_month = Table(
        "monthly",
        bilingual("Visits per month"),
        [bilingual("Month"), *[str(s.label) for s in services], bilingual("Unique users")],
        [
            [month_label(m), *[monthly[(m, s.value)] for s in services], month_users.get(m, 0)]
            for m in months
        ],
    )
    cells = UsageCell.objects.filter(kind=FY, start=start)
    per_service = {
        r["service"]: r
        for r in cells.values("service")
        .annotate(views=Sum("views"), events=Sum("events"), seconds=Sum("seconds"))
        .order_by()
    }
    users = _users(FY, start, "service")
    by_service = Table(
        "services",
        bilingual("Usage per service"),
        [bilingual("Service"), bilingual("Visits"), bilingual("Events"),
         bilingual("Hours"), bilingual("Unique users")],
        [
            [str(s.label), per_service.get(s.value, {}).get("views", 0),
             per_service.get(s.value, {}).get("events", 0),
             _hours(per_service.get(s.value, {}).get("seconds")), users.get(s.value, 0)]
            for s in services
        ],
        [f"/reports/objects/?fy={fiscal_year}&service={s.value}" for s in services],
    )  # fmt: skip
    site_users = _users(FY, start, "site")
    by_site = Table(
        "sites",
        bilingual("Usage per site"),
        [bilingual("Site"), bilingual("Visits"), bilingual("Events"), bilingual("Unique users")],
        [
            [r["site"], r["views"], r["events"], site_users.get(r["site"], 0)]
            for r in cells.values("site")
            .annotate(views=Sum("views"), events=Sum("events"))
            .order_by("site")
        ],
    )
    total = UserSet.objects.filter(kind=FY, start=start, scope="all").first()
    summary = Table(
        "summary",
        bilingual("Fiscal-year summary"),
        [bilingual("Item"), bilingual("Number")],
        [
            [bilingual("Total visits"), sum(r[1] for r in by_service.rows)],
            [bilingual("Unique users"), total.users if total else 0],
        ],
    )
    return [summary, by_service, by_month, by_site]


def daily_table(month: dt.date) -> Table:
    """Visits and exact unique users per day of one month."""
    stop = next_month(month)
    visits = dict(
        UsageCell.objects.filter(kind=PeriodKind.DAY, start__gte=month, start__lt=stop)
        .values("start")
        .annotate(n=Sum("views"))
        .order_by()
        .values_list("start", "n")
    )
    users = dict(
        UserSet.objects.filter(
            kind=PeriodKind.DAY, start__gte=month, start__lt=stop, scope="all"
        ).values_list("start", "users")
    )
    days = [month + dt.timedelta(days=i) for i in range((stop - month).days)]
    return Table(
        "daily",
        bilingual("Visits per day, %(month)s", month=month_label(month)),
        [bilingual("Day"), bilingual("Visits"), bilingual("Unique users")],
        [[f"{d.day} {month_label(d)}", visits.get(d, 0), users.get(d, 0)] for d in days],
    )


def school_tables(fiscal_year: int) -> list[Table]:
    start, _ = fiscal_year_bounds(fiscal_year)
    sums = {
        r["school_id"]: r
        for r in UsageCell.objects.filter(kind=FY, start=start, school_id__isnull=False)
        .values("school_id")
        .annotate(events=Sum("events"), views=Sum("views"), seconds=Sum("seconds"))
        .order_by()
    }
    school_users = _users(FY, start, "school")
    schools = list(School.objects.select_related("network").order_by("network__name", "code"))
    per_school = Table(
        "schools",
        bilingual("Usage per school"),
        [bilingual("Code"), bilingual("School"), bilingual("Network"), bilingual("Visits"),
         bilingual("Events"), bilingual("Hours"), bilingual("Unique users")],
        [
            [s.code, s.name, s.network.name, sums.get(s.pk, {}).get("views", 0),
             sums.get(s.pk, {}).get("events", 0), _hours(sums.get(s.pk, {}).get("seconds")),
             school_users.get(str(s.pk), 0)]
            for s in schools
        ],
        [f"/reports/people/?fy={fiscal_year}&school={s.pk}" for s in schools],
    )  # fmt: skip
    network_users = _users(FY, start, "network")
    totals: dict[int, list] = defaultdict(lambda: [0, 0, 0])
    for s in schools:
        row = sums.get(s.pk, {})
        totals[s.network_id][0] += 1
        totals[s.network_id][1] += row.get("views", 0)
        totals[s.network_id][2] += row.get("events", 0)
    networks = list(SchoolNetwork.objects.order_by("name"))
    per_network = Table(
        "networks",
        bilingual("Usage per school network"),
        [bilingual("Network"), bilingual("Schools"), bilingual("Visits"),
         bilingual("Events"), bilingual("Unique users")],
        [[n.name, *totals[n.pk], network_users.get(str(n.pk), 0)] for n in networks],
    )  # fmt: skip
    return [per_network, per_school]


def object_tables(fiscal_year: int, service: str = "") -> list[Table]:
    start, _ = fiscal_year_bounds(fiscal_year)
    rows = ObjectUsage.objects.filter(kind=FY, start=start)
    if service:
        rows = rows.filter(service=service)
    top = list(rows.order_by("-views", "-seconds")[:500])
    names = {
        (o.object_type, o.object_id): o
        for o in ReportObject.objects.filter(object_id__in=[r.object_id for r in top])
    }
    per_object = Table(
        "objects",
        bilingual("Views and watch time per item"),
        [bilingual("Item"), bilingual("Type"), bilingual("Service"), bilingual("Views"),
         bilingual("Watch hours"), bilingual("Completions")],
        [],
    )  # fmt: skip
    for r in top:
        obj = names.get((r.object_type, r.object_id))
        label = obj.label if obj and obj.label else f"#{r.object_id}"
        per_object.rows.append(
            [label, r.object_type, r.service, r.views, _hours(r.seconds), r.completions]
        )
        per_object.links.append(obj.url if obj else "")
    dims = DimensionUsage.objects.filter(kind=FY, start=start)
    if service:
        dims = dims.filter(service=service)
    totals = {
        (r["dimension"], r["value"]): r
        for r in dims.values("dimension", "value")
        .annotate(views=Sum("views"), seconds=Sum("seconds"))
        .order_by()
    }
    tables = [per_object]
    for dimension, model, title in (
        ("subject_group", SubjectGroup, bilingual("Per subject group")),
        ("grade_level", GradeLevel, bilingual("Per grade level")),
    ):
        tables.append(
            Table(
                dimension,
                title,
                [bilingual("Item"), bilingual("Views"), bilingual("Watch hours")],
                [
                    [
                        str(item),
                        totals.get((dimension, item.pk), {}).get("views", 0),
                        _hours(totals.get((dimension, item.pk), {}).get("seconds")),
                    ]
                    for item in model.objects.all()
                ],
            )  # fmt: skip
        )
    return tables


def people_table(fiscal_year: int, people, school_id: int | None = None) -> Table:
    """Per-person activity over the year, for the people the viewer may see."""
    start, _ = fiscal_year_bounds(fiscal_year)
    rows = PersonUsage.objects.filter(kind=FY, start=start, user_id__in=people.values("pk"))
    if school_id:
        rows = rows.filter(school_id=school_id)
    figures: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows.values("user_id", "service", "action", "events", "seconds"):
        f = figures[r["user_id"]]
        if r["action"] == "login":
            f["logins"] += r["events"]
        if r["action"] in AUTHOR_ACTIONS:
            f["authored"] += r["events"]
        if r["action"] == "complete" and r["service"] in LEARNING_SERVICES:
            f["completed"] += r["events"]
        if r["action"] == "view":
            f["views"] += r["events"]
        f["seconds"] += r["seconds"]
    users = User.objects.filter(pk__in=list(figures)).select_related("school")
    order = sorted(users, key=lambda u: (-figures[u.pk]["logins"], u.username))[:1000]
    return Table(
        "people",
        bilingual("Per-person activity"),
        [bilingual("Name"), bilingual("Username"), bilingual("School"), bilingual("Logins"),
         bilingual("Items authored"), bilingual("Lessons completed"),
         bilingual("Views"), bilingual("Hours")],
        [
            [u.display_name, u.username, u.school.name if u.school else "",
             int(figures[u.pk]["logins"]), int(figures[u.pk]["authored"]),
             int(figures[u.pk]["completed"]), int(figures[u.pk]["views"]),
             _hours(figures[u.pk]["seconds"])]
            for u in order
        ],
    )  # fmt: skip
