"""A realistic area for bench.lms, written straight into PostgreSQL.

Pages go in with computed treebeard paths (one bulk INSERT per level) and
learners, enrolments and progress with COPY: building 20,000 students through
the ORM one save at a time would take longer than the benchmark itself.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

PASSWORD = "bench-pass-1"


@dataclass
class Area:
    schools: list[int] = field(default_factory=list)
    course_ids: list[int] = field(default_factory=list)
    # lesson id -> (url, media id or None, course id, unit number)
    lessons: dict[int, tuple[str, int | None, int, int]] = field(default_factory=dict)
    # student id -> enrolled course ids
    enrolled: dict[int, list[int]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    home_url_path: str = "/"


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY rows into a table; returns how many were written."""
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _sequence_reset(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
        )


def _child_path(parent_path: str, index: int) -> str:
    from wagtail.models import Page

    return Page._get_path(parent_path, len(parent_path) // Page.steplen + 1, index)


def _bulk_pages(model, items: list[tuple]) -> list:
    """Insert ``model`` pages, given (parent, fields) pairs: base rows, then the model's own.

    Parents keep their order; each parent's new children follow its existing ones.
    """
    from wagtail.models import Page

    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    added: dict[int, int] = {}
    bases, specs = [], []
    for parent, spec in items:
        spec = dict(spec)
        added[parent.pk] = added.get(parent.pk, 0) + 1
        slug, title = spec.pop("slug"), spec.pop("title")
        bases.append(
            Page(
                path=_child_path(parent.path, parent.numchild + added[parent.pk]),
                depth=parent.depth + 1,
                numchild=spec.pop("numchild", 0),
                title=title,
                draft_title=title,
                slug=slug,
                url_path=f"{parent.url_path}{slug}/",
                content_type=content_type,
                live=True,
                first_published_at=now,
                last_published_at=now,
                locale_id=parent.locale_id,
                translation_key=uuid.uuid4(),
            )
        )
        specs.append(spec)
    bases = Page.objects.bulk_create(bases, batch_size=2000)
    objs = []
    for base, spec in zip(bases, specs, strict=True):
        obj = model(page_ptr_id=base.pk, **spec)
        obj.id, obj.path, obj.depth, obj.url_path = base.pk, base.path, base.depth, base.url_path
        obj.numchild, obj.locale_id, obj.title = base.numchild, base.locale_id, base.title
        objs.append(obj)
    fields = list(model._meta.local_concrete_fields)
    for i in range(0, len(objs), 1000):
        model._base_manager._insert(objs[i : i + 1000], fields=fields, raw=True)
    parents = {parent.pk: parent for parent, _spec in items}
    for pk, count in added.items():
        parents[pk].numchild += count
    with connection.cursor() as cursor:  # one statement for every parent
        cursor.execute(
            "UPDATE wagtailcore_page AS p SET numchild = v.n "
            "FROM unnest(%s::bigint[], %s::int[]) AS v(id, n) WHERE p.id = v.id",
            [list(parents), [parents[pk].numchild for pk in parents]],
        )
    return objs


@transaction.atomic
def build_area(*, schools: int, students: int, courses: int, lessons_per_unit: int, seed=7):
    """Schools, students, a course tree and enrolments with some progress."""
    from wagtailmedia import get_media_model

    from core import roles
    from core.demo import build_page_tree
    from core.models import AreaOffice, GradeLevel, School, SchoolNetwork, SectionPage
    from lms.models import CourseIndexPage, CourseKind, CoursePage, LessonPage, UnitPage

    rng = random.Random(seed)
    area = Area()
    roles.ensure_roles()
    home = build_page_tree()
    office = AreaOffice.objects.create(code="BENCH", name="สพป.ทดสอบสมรรถนะ")
    networks = SchoolNetwork.objects.bulk_create(
        SchoolNetwork(area=office, name=f"ศูนย์เครือข่าย {n}") for n in range(1, 12)
    )
    school_objs = School.objects.bulk_create(
        School(
            code=f"99{n:08d}",
            name=f"โรงเรียนบ้านทดสอบ {n}",
            network=networks[n % len(networks)],
            district=f"อำเภอ {n % 6 + 1}",
            size_class="small" if n % 3 else "medium",
            link_type=["fibre", "adsl", "satellite"][n % 3],
        )
        for n in range(1, schools + 1)
    )
    area.schools = [s.pk for s in school_objs]
    grades = list(GradeLevel.objects.exclude(key_stage="pre"))

    # Media items the video lessons play (metadata only: nothing is streamed).
    from wagtail.models import Collection

    root_collection = Collection.get_first_root_node()
    media_model = get_media_model()
    media = media_model.objects.bulk_create(
        media_model(
            title=f"คลิปบทเรียน {n}",
            file=f"media/bench-{n}.mp4",
            type="video",
            duration=300.0 + n % 600,
            collection=root_collection,
        )
        for n in range(courses)
    )

    section = SectionPage.objects.get(section="courses")
    index = section.add_child(instance=CourseIndexPage(title="หลักสูตรทั้งหมด", slug="all"))
    kinds = [CourseKind.ELEARNING] * 6 + [CourseKind.TUTOR] * 3 + [CourseKind.TRAINING]
    course_specs = []
    course_grades = []
    for n in range(courses):
        kind = kinds[n % len(kinds)]
        course_specs.append(
            {
                "title": f"หลักสูตรที่ {n + 1}",
                "slug": f"course-{n + 1}",
                "kind": kind,
                "summary": "<p>บทเรียนสำหรับทดสอบสมรรถนะ</p>",
                "hours": Decimal(6),
                "owner_school_id": area.schools[n % len(area.schools)] if n % 2 else None,
                "owner_area_id": office.pk,
            }
        )
        course_grades.append(grades[n % len(grades)])
    course_objs = _bulk_pages(CoursePage, [(index, spec) for spec in course_specs])
    area.course_ids = [c.pk for c in course_objs]
    CoursePage.grade_levels.through.objects.bulk_create(
        CoursePage.grade_levels.through(coursepage_id=c.pk, gradelevel_id=g.pk)
        for c, g in zip(course_objs, course_grades, strict=True)
    )
    unit_items = []
    for course in course_objs:
        for u in (1, 2):
            unit_items.append(
                (
                    course,
                    {
                        "title": f"หน่วยที่ {u}",
                        "slug": f"unit-{u}",
                        "unlock_rule": "always" if u == 1 else "previous",
                        "course_id": course.pk,
                    },
                )
            )
    units = _bulk_pages(UnitPage, unit_items)
    lesson_items = []
    for n, unit in enumerate(units):
        item = media[n // 2]
        for k in range(1, lessons_per_unit + 1):
            video = k % 2 == 1
            body = [
                {
                    "type": "text",
                    "value": "<p>" + "เนื้อหาบทเรียน " * 40 + "</p>",
                    "id": str(uuid.uuid4()),
                }
            ]
            if video:
                body.append(
                    {
                        "type": "video",
                        "value": {"media": item.pk, "caption": ""},
                        "id": str(uuid.uuid4()),
                    }
                )
            lesson_items.append(
                (
                    unit,
                    {
                        "title": f"บทเรียนที่ {k}",
                        "slug": f"lesson-{k}",
                        "body": body,
                        "minutes": 15,
                        "completion_rule": "video" if video else "viewed",
                        "video_percent": 90,
                        "course_id": unit.course_id,
                        "tracked_media": [str(item.pk)] if video else [],
                    },
                )
            )
    unit_no = {unit.pk: 1 if unit.url_path.endswith("/unit-1/") else 2 for unit in units}
    for (unit, _spec), lesson in zip(
        lesson_items, _bulk_pages(LessonPage, lesson_items), strict=True
    ):
        tracked = lesson.tracked_media
        area.lessons[lesson.pk] = (
            lesson.url_path,
            int(tracked[0]) if tracked else None,
            lesson.course_id,
            unit_no[unit.pk],
        )
    lesson_count = len(lesson_items)

    _people(area, rng, students, grades, course_objs, course_grades)
    area.counts = {
        "schools": schools,
        "students": students,
        "courses": len(course_objs),
        "lessons": lesson_count,
        "enrolments": sum(len(v) for v in area.enrolled.values()),
    }
    area.home_url_path = home.url_path
    return area


def _people(area: Area, rng, students: int, grades, course_objs, course_grades) -> None:
    from core import roles
    from core.models import User
    from lms.models import Enrolment, LessonProgress

    password = make_password(PASSWORD)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_user")
        first_id = cursor.fetchone()[0] + 1
    user_rows = []
    for n in range(students):
        grade = grades[n % len(grades)]
        user_rows.append(
            (
                first_id + n, password, False, f"bench{n:05d}", "นักเรียน", f"ที่ {n}", "",
                False, True, now, area.schools[n % len(area.schools)], grade.pk,
                str(n % 3 + 1),
            )
        )  # fmt: skip
    copy_rows(
        "core_user",
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
         "is_staff", "is_active", "date_joined", "school_id", "grade_level_id", "classroom"],
        user_rows,
    )  # fmt: skip
    _sequence_reset("core_user")
    group_id = roles.role_group(roles.STUDENT).pk
    copy_rows(
        User.groups.through._meta.db_table,
        ["user_id", "group_id"],
        ((first_id + n, group_id) for n in range(students)),
    )
    by_grade: dict[int, list] = {}
    for course, grade in zip(course_objs, course_grades, strict=True):
        if course.kind != "training":
            by_grade.setdefault(grade.pk, []).append(course)
    lessons_by_course: dict[int, list[int]] = {}
    for lesson_id, (_url, _media, course_id, unit_no) in area.lessons.items():
        if unit_no == 1:
            lessons_by_course.setdefault(course_id, []).append(lesson_id)
    enrol_rows, progress_rows = [], []
    enrol_id = 1
    for n in range(students):
        user_id = first_id + n
        options = by_grade.get(grades[n % len(grades)].pk, [])
        chosen = rng.sample(options, min(len(options), 4))
        area.enrolled[user_id] = [c.pk for c in chosen]
        for course in chosen:
            done = rng.randint(0, 3)
            lesson_ids = sorted(lessons_by_course.get(course.pk, []))[:done]
            enrol_rows.append(
                (enrol_id, user_id, course.pk, "active", "self", now - dt.timedelta(days=30),
                 lesson_ids[-1] if lesson_ids else None, done, done * 10, now)
            )  # fmt: skip
            enrol_id += 1
            for lesson_id in lesson_ids:
                progress_rows.append(
                    (user_id, lesson_id, course.pk, now, now, "{}", "{}", "{}", 0.0, 0.0, "",
                     0.0, False, "{}", "[]", now)
                )  # fmt: skip
    copy_rows(
        Enrolment._meta.db_table,
        ["id", "user_id", "course_id", "status", "source", "enrolled_at", "last_lesson_id",
         "completed_lessons", "progress_percent", "last_activity_at"],
        enrol_rows,
    )  # fmt: skip
    _sequence_reset(Enrolment._meta.db_table)
    copy_rows(
        LessonProgress._meta.db_table,
        ["user_id", "lesson_id", "course_id", "first_viewed_at", "last_seen_at", "watched",
         "durations", "reported", "watched_seconds", "position", "position_media",
         "unreported_seconds", "marked_done", "quiz_scores", "quizzes_passed", "completed_at"],
        progress_rows,
    )  # fmt: skip
    area.counts["progress_rows"] = len(progress_rows)
    with connection.cursor() as cursor:
        for table in ["core_user", "wagtailcore_page", "lms_enrolment", "lms_lessonprogress",
                      "lms_lessonpage", "lms_coursepage", "lms_unitpage"]:  # fmt: skip
            cursor.execute(f"ANALYZE {table}")
