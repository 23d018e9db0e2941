"""Core vocabulary, organisation and a school's users, keyed by natural keys.

Natural keys (codes, usernames) rather than primary keys: a mirror seeds its
own subject groups and grades in migrations and may have local accounts, so ids
need not agree; codes always do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from core.models import (
    AreaOffice,
    GradeLevel,
    Indicator,
    LearningStandard,
    School,
    SchoolNetwork,
    SubjectGroup,
    User,
)

from .base import Record, SyncSource


class CodedSource(SyncSource):
    """A flat model keyed by its unique ``code`` (subject groups, grades, areas)."""

    def __init__(self, name: str, order: int, model, fields: list[str]):
        self.name, self.order, self.model, self.fields = name, order, model, fields

    def records(self) -> Iterable[Record]:
        for row in self.model.objects.order_by("code"):
            yield Record(row.code, {f: getattr(row, f) for f in self.fields})

    def apply(self, key, payload, files, store) -> None:
        self.model.objects.update_or_create(code=key, defaults=_without(payload, "code"))

    def delete(self, key: str) -> None:
        delete_unless_used(self.model.objects.filter(code=key))


class StandardSource(SyncSource):
    name = "core.standard"
    order = 12

    def records(self) -> Iterable[Record]:
        for standard in LearningStandard.objects.select_related("subject_group").order_by("code"):
            yield Record(
                standard.code,
                {
                    "code": standard.code,
                    "subject_group": standard.subject_group.code,
                    "description": standard.description,
                },
                scope={"subjects": [standard.subject_group.code]},
            )

    def apply(self, key, payload, files, store) -> None:
        LearningStandard.objects.update_or_create(
            code=key,
            defaults={
                "subject_group": SubjectGroup.objects.get(code=payload["subject_group"]),
                "description": payload["description"],
            },
        )

    def delete(self, key: str) -> None:
        delete_unless_used(LearningStandard.objects.filter(code=key))


class IndicatorSource(SyncSource):
    name = "core.indicator"
    order = 13

    def records(self) -> Iterable[Record]:
        rows = Indicator.objects.select_related("standard__subject_group").prefetch_related(
            "grade_levels"
        )
        for indicator in rows.order_by("code"):
            grades = sorted(grade.code for grade in indicator.grade_levels.all())
            subject = indicator.standard.subject_group.code
            yield Record(
                indicator.code,
                {
                    "code": indicator.code,
                    "standard": indicator.standard.code,
                    "description": indicator.description,
                    "grade_levels": grades,
                },
                scope={"subjects": [subject], "grades": grades},
            )

    def apply(self, key, payload, files, store) -> None:
        indicator, _ = Indicator.objects.update_or_create(
            code=key,
            defaults={
                "standard": LearningStandard.objects.get(code=payload["standard"]),
                "description": payload["description"],
            },
        )
        indicator.grade_levels.set(GradeLevel.objects.filter(code__in=payload["grade_levels"]))

    def delete(self, key: str) -> None:
        Indicator.objects.filter(code=key).delete()


class NetworkSource(SyncSource):
    name = "core.network"
    order = 21

    def records(self) -> Iterable[Record]:
        for network in SchoolNetwork.objects.select_related("area").order_by("area__code", "name"):
            yield Record(
                f"{network.area.code}/{network.name}",
                {"area": network.area.code, "name": network.name},
            )

    def apply(self, key, payload, files, store) -> None:
        SchoolNetwork.objects.get_or_create(
            area=AreaOffice.objects.get(code=payload["area"]), name=payload["name"]
        )

    def delete(self, key: str) -> None:
        area_code, _, name = key.partition("/")
        SchoolNetwork.objects.filter(area__code=area_code, name=name, schools__isnull=True).delete()


class SchoolSource(SyncSource):
    name = "core.school"
    order = 22
    fields = ["code", "name", "district", "size_class", "link_type", "bandwidth_kbps", "is_active"]

    def records(self) -> Iterable[Record]:
        for school in School.objects.select_related("network__area").order_by("code"):
            payload = {f: getattr(school, f) for f in self.fields}
            payload["network"] = [school.network.area.code, school.network.name]
            yield Record(school.code, payload)

    def apply(self, key, payload, files, store) -> None:
        area_code, network_name = payload["network"]
        network = SchoolNetwork.objects.get(area__code=area_code, name=network_name)
        defaults = _without(payload, "code", "network")
        School.objects.update_or_create(code=key, defaults={**defaults, "network": network})

    def delete(self, key: str) -> None:
        School.objects.filter(code=key, is_active=True).update(is_active=False)


class SchoolUserSource(SyncSource):
    """The accounts of a school, password hashes included, so its students and
    teachers log in on the mirror with the WAN cut. Only that school's mirror
    receives them; superuser rights never travel."""

    name = "core.user"
    order = 30
    fields = ["username", "password", "first_name", "last_name", "email", "is_active", "classroom"]

    def records(self) -> Iterable[Record]:
        users = (
            User.objects.filter(school__isnull=False)
            .select_related("school", "grade_level")
            .prefetch_related("groups")
            .order_by("username")
        )
        for user in users:
            payload: dict[str, Any] = {f: getattr(user, f) for f in self.fields}
            payload["school"] = user.school.code
            payload["grade_level"] = user.grade_level.code if user.grade_level else None
            payload["groups"] = sorted(group.name for group in user.groups.all())
            yield Record(user.username, payload, scope={"schools": [user.school.code]})

    def apply(self, key, payload, files, store) -> None:
        from django.contrib.auth.models import Group

        from core.roles import ensure_roles

        defaults = _without(payload, "username", "school", "grade_level", "groups")
        defaults["school"] = School.objects.get(code=payload["school"])
        defaults["grade_level"] = (
            GradeLevel.objects.filter(code=payload["grade_level"]).first()
            if payload["grade_level"]
            else None
        )
        user, _ = User.objects.update_or_create(username=key, defaults=defaults)
        if payload["groups"] and not Group.objects.filter(name__in=payload["groups"]).exists():
            ensure_roles()
        user.groups.set(Group.objects.filter(name__in=payload["groups"]))

    def delete(self, key: str) -> None:
        # Keep the row (local results point at it); it simply cannot log in.
        User.objects.filter(username=key).update(is_active=False)


def delete_unless_used(rows) -> None:
    """Delete, unless other rows still point here (then the row simply stays)."""
    try:
        with transaction.atomic():
            rows.delete()
    except ProtectedError:
        pass


def _without(payload: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k not in names}


CORE_SOURCES = [
    CodedSource(
        "core.subject_group",
        10,
        SubjectGroup,
        ["code", "slug", "name_th", "name_en", "is_core", "sort_order"],
    ),
    CodedSource(
        "core.grade_level",
        11,
        GradeLevel,
        ["code", "slug", "name_th", "name_en", "key_stage", "sort_order"],
    ),
    StandardSource(),
    IndicatorSource(),
    CodedSource("core.area", 20, AreaOffice, ["code", "name", "name_en"]),
    NetworkSource(),
    SchoolSource(),
    SchoolUserSource(),
]
