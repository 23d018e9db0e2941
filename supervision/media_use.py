"""Media use per school and teacher in a term, from the report aggregates.

The overview reads the monthly aggregate tables of reports (never raw events),
so it costs the same for 120 schools as for one; one school's detail (which
titles, by which grades and teachers) reads that school's raw events for the
term, which are few. Uses are events of the media centre and of e-Learning
lessons.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum

from core.models import Service, UsageEvent, User
from core.roles import ROLE_GROUP_NAMES, STUDENT, TEACHER
from reports.models import PeriodKind, PersonUsage, UsageCell
from reports.periods import day_bounds, next_month
from reports.registry import get_dimension_resolver

from .conf import supervision_settings
from .models import UseTarget
from .terms import term_bounds

SERVICES = (Service.MEDIA, Service.ELEARNING)


@dataclass(frozen=True)
class Targets:
    min_uses: int
    min_teachers: int


@dataclass(frozen=True)
class SchoolUse:
    school: object
    uses: int
    teachers: int
    targets: Targets

    @property
    def unused(self) -> bool:
        return self.uses == 0

    @property
    def below_target(self) -> bool:
        return self.uses < self.targets.min_uses or self.teachers < self.targets.min_teachers


def targets_for(fiscal_year: int) -> Targets:
    saved = UseTarget.objects.filter(fiscal_year=fiscal_year).first()
    if saved:
        return Targets(saved.min_uses, saved.min_teachers)
    return Targets(
        supervision_settings.SUPERVISION_MIN_USES_PER_TERM,
        supervision_settings.SUPERVISION_MIN_TEACHERS_PER_TERM,
    )


def term_months(fiscal_year: int, term: int) -> list[dt.date]:
    start, end = term_bounds(fiscal_year, term)
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def _teacher_ids():
    return User.objects.filter(groups__name=ROLE_GROUP_NAMES[TEACHER]).values("pk")


def overview(schools, fiscal_year: int, term: int) -> list[SchoolUse]:
    """Every school in ``schools`` with its uses and active teachers; unused first."""
    months = term_months(fiscal_year, term)
    school_ids = [s.pk for s in schools]
    uses = dict(
        UsageCell.objects.filter(
            kind=PeriodKind.MONTH, start__in=months, service__in=SERVICES, school_id__in=school_ids
        )
        .values("school_id")
        .annotate(n=Sum("events"))
        .order_by()
        .values_list("school_id", "n")
    )
    teachers = dict(
        PersonUsage.objects.filter(
            kind=PeriodKind.MONTH,
            start__in=months,
            service__in=SERVICES,
            school_id__in=school_ids,
            user_id__in=_teacher_ids(),
        )
        .values("school_id")
        .annotate(n=Count("user_id", distinct=True))
        .order_by()
        .values_list("school_id", "n")
    )
    targets = targets_for(fiscal_year)
    rows = [
        SchoolUse(s, int(uses.get(s.pk) or 0), int(teachers.get(s.pk) or 0), targets)
        for s in schools
    ]
    return sorted(rows, key=lambda r: (not r.unused, not r.below_target, r.uses, r.school.code))


def _term_events(school, fiscal_year: int, term: int):
    start, end = term_bounds(fiscal_year, term)
    return UsageEvent.objects.filter(
        school_id=school.pk,
        service__in=SERVICES,
        time__gte=day_bounds(start)[0],
        time__lt=day_bounds(end)[1],
    )


def school_detail(school, fiscal_year: int, term: int) -> dict:
    """Titles used (with the grades that used them) and uses per teacher and per grade."""
    events = _term_events(school, fiscal_year, term)
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=events.values("user_id").distinct())
        .select_related("grade_level")
        .prefetch_related("groups")
    }
    teacher_group = ROLE_GROUP_NAMES[TEACHER]
    student_group = ROLE_GROUP_NAMES[STUDENT]
    by_object: dict[tuple[str, str], dict] = {}
    by_grade: dict[str, int] = defaultdict(int)
    by_teacher: dict[int, int] = defaultdict(int)
    rows = events.values("object_type", "object_id", "service", "user_id").annotate(n=Count("id"))
    for row in rows.order_by():
        user = users.get(row["user_id"])
        groups = {g.name for g in user.groups.all()} if user else set()
        grade = ""
        if user and student_group in groups and user.grade_level_id:
            grade = user.grade_level.code
            by_grade[grade] += row["n"]
        if user and teacher_group in groups:
            by_teacher[user.pk] += row["n"]
        if row["object_id"]:
            key = (row["object_type"], row["object_id"])
            entry = by_object.setdefault(
                key, {"service": row["service"], "uses": 0, "grades": set()}
            )
            entry["uses"] += row["n"]
            if grade:
                entry["grades"].add(grade)
    titles = _labels(list(by_object))
    objects = [
        {
            "label": titles.get(key, (f"{key[0]} #{key[1]}", ""))[0],
            "url": titles.get(key, ("", ""))[1],
            "service": entry["service"],
            "uses": entry["uses"],
            "grades": sorted(entry["grades"]),
        }
        for key, entry in by_object.items()
    ]
    objects.sort(key=lambda o: (-o["uses"], o["label"]))
    teachers = sorted(((users[pk], n) for pk, n in by_teacher.items()), key=lambda pair: -pair[1])
    return {
        "objects": objects,
        "grades": sorted(by_grade.items()),
        "teachers": teachers,
        "total": sum(o["uses"] for o in objects),
    }


def _labels(keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    found = {}
    by_type: dict[str, list[str]] = defaultdict(list)
    for object_type, object_id in keys:
        by_type[object_type].append(object_id)
    for object_type, ids in by_type.items():
        resolver = get_dimension_resolver(object_type)
        if resolver is None:
            continue
        for object_id, info in resolver(ids).items():
            found[(object_type, str(object_id))] = (info.label, info.url)
    return found


def usage_figures(school, fiscal_year: int, term: int) -> dict:
    """The school's figures for the term, frozen into a record's evidence."""
    events = _term_events(school, fiscal_year, term)
    by_service = dict(
        events.values("service").annotate(n=Count("id")).order_by().values_list("service", "n")
    )
    start, end = term_bounds(fiscal_year, term)
    return {
        "fiscal_year": fiscal_year,
        "term": term,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "uses": sum(by_service.values()),
        "by_service": by_service,
        "users": events.exclude(user_id=None).values("user_id").distinct().count(),
        "titles": events.exclude(object_id="")
        .values("object_type", "object_id")
        .distinct()
        .count(),
    }
