"""The teacher's class report: students × lessons, as a table for screen, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .access import course_outline
from .completion import course_percent
from .models import Enrolment, LessonProgress

STATUS_COMPLETE = "complete"
STATUS_STARTED = "started"
STATUS_NONE = ""
STATUS_LABELS = {STATUS_COMPLETE: "เสร็จ (done)", STATUS_STARTED: "กำลังเรียน (started)", "": "-"}


@dataclass
class Cell:
    status: str = STATUS_NONE
    score: float | None = None  # best quiz score in the lesson, 0–1

    @property
    def label(self) -> str:
        text = STATUS_LABELS[self.status]
        if self.score is not None:
            text += f" {round(self.score * 100)}%"
        return text


@dataclass
class Row:
    user_id: int
    username: str
    name: str
    school: str
    classroom: str
    cells: list[Cell] = field(default_factory=list)

    @property
    def percent(self) -> int:
        done = sum(1 for c in self.cells if c.status == STATUS_COMPLETE)
        return course_percent(done, len(self.cells))


@dataclass
class ClassReport:
    course_title: str
    lessons: list[tuple[int, str]]
    rows: list[Row]


def class_label(user) -> str:
    grade = user.grade_level.code if user.grade_level_id else ""
    return f"{grade}/{user.classroom}" if user.classroom else grade


def build_class_report(
    course,
    *,
    school_id: int | None = None,
    grade_level_id: int | None = None,
    classroom: str = "",
) -> ClassReport:
    """Active learners of a course (optionally one class) against its live lessons."""
    outline = course_outline(course, _NoUser())
    lessons = [(lesson.id, lesson.title) for lesson in outline.lessons]
    enrolments = Enrolment.objects.filter(
        course=course, status=Enrolment.Status.ACTIVE
    ).select_related("user__school", "user__grade_level")
    if school_id:
        enrolments = enrolments.filter(user__school_id=school_id)
    if grade_level_id:
        enrolments = enrolments.filter(user__grade_level_id=grade_level_id)
    if classroom:
        enrolments = enrolments.filter(user__classroom=classroom)
    users = [e.user for e in enrolments.order_by("user__classroom", "user__username")]
    progress = {}
    for user_id, lesson_id, completed_at, scores in LessonProgress.objects.filter(
        course=course, user__in=[u.pk for u in users]
    ).values_list("user_id", "lesson_id", "completed_at", "quiz_scores"):
        status = STATUS_COMPLETE if completed_at else STATUS_STARTED
        best = max(scores.values()) if scores else None
        progress[(user_id, lesson_id)] = Cell(status=status, score=best)
    rows = [
        Row(
            user_id=u.pk,
            username=u.username,
            name=u.get_full_name() or u.username,
            school=u.school.name if u.school_id else "",
            classroom=class_label(u),
            cells=[progress.get((u.pk, lesson_id), Cell()) for lesson_id, _ in lessons],
        )
        for u in users
    ]
    return ClassReport(course_title=course.title, lessons=lessons, rows=rows)


class _NoUser:
    is_authenticated = False


HEADER = ["ชื่อผู้ใช้ (username)", "ชื่อ (name)", "โรงเรียน (school)", "ชั้น/ห้อง (class)"]


def report_table(report: ClassReport) -> list[list]:
    """Header row then one row per learner; shared by CSV and XLSX."""
    table: list[list] = [[*HEADER, *[title for _, title in report.lessons], "ร้อยละ (%)"]]
    for row in report.rows:
        table.append(
            [
                row.username,
                row.name,
                row.school,
                row.classroom,
                *[cell.label for cell in row.cells],
                row.percent,
            ]
        )
    return table


def to_csv(report: ClassReport) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Thai text correctly."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(report_table(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(report: ClassReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "รายงาน"
    for row in report_table(report):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "E2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
