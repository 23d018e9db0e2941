"""Demo courses for `make run`: one of each kind under the "courses" section."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from core.models import GradeLevel, School, SectionPage, SubjectGroup

from .models import CourseIndexPage, CourseKind, CoursePage, LessonPage, UnitPage
from .moderation import ensure_moderation


def text(html: str) -> list[dict]:
    return [{"type": "text", "value": html}]


DEMO_COURSES = [
    {
        "title": "คณิตศาสตร์ ป.5: เศษส่วน",
        "slug": "math-p5-fractions",
        "kind": CourseKind.ELEARNING,
        "subject": "ค",
        "grades": ["ป.5"],
        "hours": Decimal("4"),
        "units": [
            ("รู้จักเศษส่วน", ["เศษส่วนคืออะไร", "เศษส่วนที่เท่ากัน"]),
            ("การบวกลบเศษส่วน", ["บวกเศษส่วนที่ตัวส่วนเท่ากัน", "ลบเศษส่วน"]),
        ],
    },
    {
        "title": "ติว O-NET ป.6 วิทยาศาสตร์",
        "slug": "onet-p6-science",
        "kind": CourseKind.TUTOR,
        "subject": "ว",
        "grades": ["ป.6"],
        "hours": Decimal("6"),
        "units": [("สิ่งมีชีวิต", ["เซลล์และการดำรงชีวิต"]), ("แรงและพลังงาน", ["แรงเสียดทาน"])],
    },
    {
        "title": "การจัดการเรียนรู้เชิงรุก (Active Learning)",
        "slug": "active-learning",
        "kind": CourseKind.TRAINING,
        "subject": None,
        "grades": [],
        "hours": Decimal("12"),
        "units": [("แนวคิด", ["Active Learning คืออะไร"]), ("การออกแบบ", ["ออกแบบกิจกรรม"])],
    },
]


@transaction.atomic
def load_demo_courses() -> CourseIndexPage | None:
    """Idempotent: builds the course tree only if no course index exists yet."""
    section = SectionPage.objects.filter(section=SectionPage.Section.COURSES).first()
    if section is None:
        return None
    index = CourseIndexPage.objects.child_of(section).first()
    if index is None:
        index = section.add_child(
            instance=CourseIndexPage(title="หลักสูตรทั้งหมด", slug="all", intro="")
        )
        school = School.objects.order_by("code").first()
        for spec in DEMO_COURSES:
            build_course(index, spec, school)
    ensure_moderation()
    return index


def build_course(index: CourseIndexPage, spec: dict, school) -> CoursePage:
    subject = SubjectGroup.objects.filter(code=spec["subject"]).first() if spec["subject"] else None
    course = index.add_child(
        instance=CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            kind=spec["kind"],
            subject_group=subject,
            hours=spec["hours"],
            owner_school=school if spec["kind"] != CourseKind.TRAINING else None,
            summary=f"<p>{spec['title']}</p>",
        )
    )
    course.grade_levels.set(GradeLevel.objects.filter(code__in=spec["grades"]))
    course.save()
    for u, (unit_title, lessons) in enumerate(spec["units"], start=1):
        unit = course.add_child(instance=UnitPage(title=unit_title, slug=f"unit-{u}"))
        for n, lesson_title in enumerate(lessons, start=1):
            unit.add_child(
                instance=LessonPage(
                    title=lesson_title,
                    slug=f"lesson-{n}",
                    body=text(f"<p>{lesson_title}: เนื้อหาตัวอย่างสำหรับทดลองใช้</p>"),
                    minutes=15,
                )
            )
    return course


# Found by core.demo.load_demo: this app's place among the apps, then its loader.
DEMO_ORDER = 20
load_demo_content = load_demo_courses
