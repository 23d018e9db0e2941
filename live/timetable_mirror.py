"""Classroom timetables and screen links down to school mirrors, so a school's
screens keep to the timetable with the link to the area office cut.

  live.timetable     (92) one record per timetable (keyed by its uuid) with all
                     its periods. A school's timetable goes to that school's
                     mirror only; the area's to every mirror teaching its grade.
                     Periods name subjects by code, media items by central's id
                     (mirrors keep it) and lessons by translation key.
  live.screen_link   (93) the school's screen account and the SHA-256 of its
                     key, to that school's mirror only: the key itself never
                     leaves central, and the TV's address works on both.

Order: after the accounts (30), media items (50) and pages (60) they name. A
media item whose files are still on their way is applied after the timetable
that names it; the period keeps the id and plays the item once it is there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from core.models import GradeLevel, School, SubjectGroup, User
from mirror.sources import Record, SyncSource

from .models import Period, ScreenLink, Timetable

PERIOD_FIELDS = ["weekday", "title", "plays", "media_item_id"]


def period_row(period: Period) -> dict[str, Any]:
    return {
        **{name: getattr(period, name) for name in PERIOD_FIELDS},
        "starts_at": period.starts_at.strftime("%H:%M:%S"),
        "ends_at": period.ends_at.strftime("%H:%M:%S"),
        "subject": period.subject_group.code if period.subject_group_id else None,
        "lesson": str(period.lesson.translation_key) if period.lesson_id else None,
    }


class TimetableSource(SyncSource):
    name = "live.timetable"
    order = 92

    def records(self) -> Iterable[Record]:
        timetables = Timetable.objects.select_related("school", "grade_level").prefetch_related(
            "periods__subject_group", "periods__lesson"
        )
        for timetable in timetables.order_by("pk"):
            payload = {
                "school": timetable.school.code if timetable.school_id else None,
                "grade": timetable.grade_level.code,
                "title": timetable.title,
                "starts_on": timetable.starts_on.isoformat(),
                "ends_on": timetable.ends_on.isoformat(),
                "periods": [period_row(p) for p in timetable.periods.all()],
            }
            scope = (
                {"schools": [payload["school"]]}
                if payload["school"]
                else {"grades": [payload["grade"]]}
            )
            yield Record(str(timetable.uuid), payload, scope=scope)

    def apply(self, key, payload, files, store) -> None:
        from lms.models import LessonPage

        timetable, _ = Timetable.objects.update_or_create(
            uuid=key,
            defaults={
                "school": School.objects.get(code=payload["school"]) if payload["school"] else None,
                "grade_level": GradeLevel.objects.get(code=payload["grade"]),
                "title": payload["title"],
                "starts_on": payload["starts_on"],
                "ends_on": payload["ends_on"],
            },
        )
        subjects = dict(SubjectGroup.objects.values_list("code", "pk"))
        lessons = dict(
            LessonPage.objects.filter(
                translation_key__in=[r["lesson"] for r in payload["periods"] if r["lesson"]]
            ).values_list("translation_key", "pk")
        )
        timetable.periods.all().delete()
        Period.objects.bulk_create(
            Period(
                timetable=timetable,
                **{name: row[name] for name in PERIOD_FIELDS},
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                subject_group_id=subjects.get(row["subject"]),
                lesson_id=_lesson(lessons, row["lesson"]),
            )
            for row in payload["periods"]
        )

    def delete(self, key: str) -> None:
        Timetable.objects.filter(uuid=key).delete()


def _lesson(lessons: dict, key: str | None) -> int | None:
    import uuid

    return lessons.get(uuid.UUID(key)) if key else None


class ScreenLinkSource(SyncSource):
    name = "live.screen_link"
    order = 93

    def records(self) -> Iterable[Record]:
        links = ScreenLink.objects.select_related("school", "account").order_by("school__code")
        for link in links:
            yield Record(
                link.school.code,
                {
                    "account": link.account.username,
                    "key_digest": link.key_digest,
                    "made_at": link.made_at.isoformat(),
                },
                scope={"schools": [link.school.code]},
            )

    def apply(self, key, payload, files, store) -> None:
        ScreenLink.objects.update_or_create(
            school=School.objects.get(code=key),
            defaults={
                "account": User.objects.get(username=payload["account"]),
                "key": "",  # central's alone
                "key_digest": payload["key_digest"],
                "made_at": payload["made_at"],
            },
        )

    def delete(self, key: str) -> None:
        ScreenLink.objects.filter(school__code=key).delete()
