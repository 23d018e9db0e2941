"""Down to mirrors: supervisors' accounts, rubrics and each school's part of the plans."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import ProtectedError

from core.models import School, User
from core.roles import ensure_roles
from mirror.sources import Record, SyncSource

from ..models import Criterion, Plan, PlanEntry, Rubric

USER_FIELDS = ["password", "first_name", "last_name", "email", "is_active"]
CRITERION_FIELDS = ["sort_order", "title", "description"] + [f"level_{n}" for n in range(1, 6)]


class SupervisorSource(SyncSource):
    name = "supervision.supervisor"
    order = 31

    def records(self) -> Iterable[Record]:
        schools: dict[int, set[str]] = defaultdict(set)
        for supervisor_id, code in PlanEntry.objects.values_list(
            "plan__supervisor_id", "school__code"
        ):
            schools[supervisor_id].add(code)
        users = User.objects.filter(pk__in=schools, school__isnull=True).prefetch_related("groups")
        for user in users.order_by("username"):
            payload: dict[str, Any] = {f: getattr(user, f) for f in USER_FIELDS}
            payload["groups"] = sorted(g.name for g in user.groups.all())
            yield Record(user.username, payload, scope={"schools": sorted(schools[user.pk])})

    def apply(self, key, payload, files, store) -> None:
        defaults = {f: payload[f] for f in USER_FIELDS}
        user, _ = User.objects.update_or_create(username=key, school=None, defaults=defaults)
        if payload["groups"] and not Group.objects.filter(name__in=payload["groups"]).exists():
            ensure_roles()
        user.groups.set(Group.objects.filter(name__in=payload["groups"]))

    def delete(self, key: str) -> None:
        # Records written here still name the account; it simply cannot log in.
        User.objects.filter(username=key, school__isnull=True).update(is_active=False)


class RubricSource(SyncSource):
    name = "supervision.rubric"
    order = 80

    def records(self) -> Iterable[Record]:
        for rubric in Rubric.objects.prefetch_related("criteria").order_by("pk"):
            yield Record(
                str(rubric.uuid),
                {
                    "title": rubric.title,
                    "description": rubric.description,
                    "is_active": rubric.is_active,
                    "criteria": [
                        {"uuid": str(c.uuid), **{f: getattr(c, f) for f in CRITERION_FIELDS}}
                        for c in rubric.criteria.order_by("sort_order", "pk")
                    ],
                },
            )

    def apply(self, key, payload, files, store) -> None:
        rubric, _ = Rubric.objects.update_or_create(
            uuid=key,
            defaults={k: payload[k] for k in ("title", "description", "is_active")},
        )
        kept = []
        for row in payload["criteria"]:
            Criterion.objects.update_or_create(
                uuid=row["uuid"],
                defaults={"rubric": rubric, **{f: row[f] for f in CRITERION_FIELDS}},
            )
            kept.append(row["uuid"])
        for criterion in rubric.criteria.exclude(uuid__in=kept):
            try:
                criterion.delete()
            except ProtectedError:
                pass  # scored on this mirror: kept for the records that name it

    def delete(self, key: str) -> None:
        Rubric.objects.filter(uuid=key).update(is_active=False)


class PlanSource(SyncSource):
    name = "supervision.plan"
    order = 81

    def records(self) -> Iterable[Record]:
        plans = Plan.objects.select_related("supervisor", "rubric").prefetch_related(
            "entries__school", "entries__teacher", "focus_areas"
        )
        for plan in plans.order_by("pk"):
            by_school: dict[str, list[dict]] = defaultdict(list)
            for entry in plan.entries.all():
                by_school[entry.school.code].append(
                    {
                        "teacher": entry.teacher.username if entry.teacher else None,
                        "planned_on": entry.planned_on.isoformat() if entry.planned_on else None,
                        "sort_order": entry.sort_order,
                    }
                )
            for code, rows in sorted(by_school.items()):
                yield Record(
                    f"{plan.uuid}:{code}",
                    {
                        "fiscal_year": plan.fiscal_year,
                        "term": plan.term,
                        "supervisor": plan.supervisor.username,
                        "rubric": str(plan.rubric.uuid),
                        "notes": plan.notes,
                        "entries": rows,
                    },
                    scope={"schools": [code]},
                )

    def apply(self, key, payload, files, store) -> None:
        plan_uuid, code = key.rsplit(":", 1)
        plan, _ = Plan.objects.update_or_create(
            uuid=plan_uuid,
            defaults={
                "fiscal_year": payload["fiscal_year"],
                "term": payload["term"],
                "supervisor": User.objects.get(username=payload["supervisor"], school=None),
                "rubric": Rubric.objects.get(uuid=payload["rubric"]),
                "notes": payload["notes"],
            },
        )
        school = School.objects.get(code=code)
        plan.entries.filter(school=school).delete()
        teachers = dict(
            User.objects.filter(
                username__in=[r["teacher"] for r in payload["entries"] if r["teacher"]]
            ).values_list("username", "pk")
        )
        for row in payload["entries"]:
            PlanEntry.objects.create(
                plan=plan,
                school=school,
                teacher_id=teachers.get(row["teacher"]),
                planned_on=row["planned_on"],
                sort_order=row["sort_order"],
            )

    def delete(self, key: str) -> None:
        plan_uuid, code = key.rsplit(":", 1)
        PlanEntry.objects.filter(plan__uuid=plan_uuid, school__code=code).delete()
