"""Grades pages: a student's "my grades" and a teacher's class gradebook (CSV, XLSX)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext

from core.tables import csv_bytes, file_response, xlsx_bytes

from ..gradebook import class_gradebook, my_grades
from ..policies import quiz_policy
from ..rendering import format_mark
from .access import check_teacher


@login_required
def my_grades_view(request):
    """คะแนนของฉัน: every quiz this student attempted, its mark, date and review link."""
    return render(request, "exambank/my_grades.html", {"entries": my_grades(request.user)})


def _percent(value: float | None) -> str:
    return "" if value is None else format_mark(value * 100)


def _table(book) -> tuple[list[str], list[list[str]]]:
    head = [gettext("Student"), gettext("Name")]
    head += [quiz.title for quiz in book.quizzes]
    head.append(gettext("Minutes spent"))
    rows = []
    for student, grades, seconds in book.rows:
        name = getattr(student, "display_name", "") or student.get_full_name()
        rows.append(
            [student.username, name, *[_percent(g) for g in grades], format_mark(seconds / 60)]
        )
    return head, rows


def _sorted(book, key: str):
    """Rows sorted by a column: "name", "time" or a quiz's id (highest grade first)."""
    rows = list(book.rows)
    if key == "time":
        rows.sort(key=lambda r: -r[2])
    elif key.isdigit():
        ids = [q.pk for q in book.quizzes]
        if int(key) in ids:
            at = ids.index(int(key))
            rows.sort(key=lambda r: (r[1][at] is None, -(r[1][at] or 0)))
    book.rows = rows
    return book


@login_required
def class_gradebook_view(request):
    """Students × quizzes for the teacher's school, sortable, as a page, CSV or XLSX."""
    check_teacher(request)
    quizzes = quiz_policy.for_user(request.user, "view")
    book = _sorted(class_gradebook(request.user, quizzes), request.GET.get("sort", "name"))
    head, rows = _table(book)
    fmt = request.GET.get("format")
    if fmt == "csv":
        return file_response(csv_bytes([head, *rows]), "csv", "gradebook.csv")
    if fmt == "xlsx":
        content = xlsx_bytes([head, *rows], sheet_title=gettext("Gradebook"), freeze="A2")
        return file_response(content, "xlsx", "gradebook.xlsx")
    return render(
        request,
        "exambank/gradebook.html",
        {"head": head, "rows": rows, "quizzes": book.quizzes},
    )
