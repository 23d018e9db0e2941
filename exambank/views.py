"""Pages of the exam bank: take a quiz, review it, and the teacher's tools.

Views stay thin: they check permissions, parse the request and call
exambank.actions; every state change is there.
"""

from __future__ import annotations

import csv
import io
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from . import actions, grading, paper, snapshot, stats
from .formats import QuestionImportError
from .importing import FORMATS, export_questions, import_questions
from .models import (
    Attempt,
    AttemptSlot,
    AttemptState,
    Category,
    ItemAnalysis,
    Quiz,
    QuizMode,
    ReviewWhen,
)
from .policies import attempt_policy, category_policy, question_policy, quiz_policy
from .rendering import questions_form_html, response_from_form, slot_view
from .tasks import compute_item_analysis_task

TEACHER_PERM = "exambank.change_quiz"


def _teacher(request, quiz: Quiz | None = None) -> None:
    user = request.user
    if not user.has_perm(TEACHER_PERM):
        raise PermissionDenied
    if quiz is not None and quiz.school_id and not user.is_superuser:
        if user.school_id not in (None, quiz.school_id):
            raise PermissionDenied


def _own_attempt(request, pk: int) -> Attempt:
    """The user's own attempt (taking, saving, submitting); anyone else's is a 404."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk, user=request.user)


def _attempt_in_scope(request, pk: int) -> Attempt:
    """An attempt the user may read (its student, that school's staff, the area)."""
    queryset = Attempt.objects.select_related("quiz")
    return attempt_policy.get_or_404(request.user, "view", queryset=queryset, pk=pk)


@login_required
def quiz_list(request):
    """The quizzes open to this student (their school's and the area's)."""
    quizzes = quiz_policy.for_user(request.user, "view")
    return render(request, "exambank/quiz_list.html", {"quizzes": quizzes})


@login_required
def quiz_detail(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "view", pk=pk)
    attempts = quiz.attempts.filter(user=request.user).order_by("number")
    if quiz.mode == QuizMode.FIXED and quiz.is_open():
        # A class sits on this page until told to start: have the quiz's snapshot
        # ready (a memo hit once warm) so the stampede of starts finds it built.
        try:
            slots = snapshot.quiz_snapshot(quiz).slots
            snapshot.cards(version_id for version_id, _ in slots)
        except snapshot.AttemptRefusedNoVersion:
            pass  # starting will say which question has no ready version
    return render(
        request,
        "exambank/quiz_detail.html",
        {
            "quiz": quiz,
            "attempts": attempts,
            "start_key": uuid.uuid4().hex,
            "grade": actions.quiz_grade(quiz, request.user),
            "is_teacher": request.user.has_perm(TEACHER_PERM),
        },
    )


@login_required
@require_POST
def quiz_start(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "view", pk=pk)
    key = (request.POST.get("start_key") or "").strip()[:64] or uuid.uuid4().hex
    try:
        attempt = actions.start_attempt(quiz, request.user, key)
    except actions.AttemptRefused as exc:
        messages.error(request, str(exc))
        return redirect("exambank:quiz", pk=quiz.pk)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("exambank:review", pk=attempt.pk)
    return redirect("exambank:attempt", pk=attempt.pk)


def _remaining(attempt: Attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - timezone.now()).total_seconds()))


@login_required
def attempt_take(request, pk: int):
    attempt = _own_attempt(request, pk)
    if attempt.state != AttemptState.IN_PROGRESS:
        return redirect("exambank:review", pk=attempt.pk)
    if attempt.hard_deadline and timezone.now() > attempt.hard_deadline:
        actions.submit_attempt(attempt.pk, by_timer=True)
        return redirect("exambank:review", pk=attempt.pk)
    # The slots without their versions: question text and choices come rendered
    # from the cached version cards, so a class loading the page at once costs
    # one small query each.
    slots = list(attempt.slots.order_by("position"))
    by_id = snapshot.cards(s.version_id for s in slots)
    return render(
        request,
        "exambank/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions_html": questions_form_html(slots, by_id),
            "remaining": _remaining(attempt),
            "immediate": attempt.quiz.feedback_mode == "immediate",
        },
    )


def _not_found_or_forbidden(request, pk: int, what: str):
    """Why an attempt lookup filtered by owner found nothing (slow path only)."""
    # Another student's attempt looks exactly like a missing one.
    return JsonResponse({"error": what}, status=404)


@login_required
@require_POST
def attempt_save(request, pk: int):
    """Save one question's answer (form fields of that question, plus position and seq).

    Hot path (a whole class autosaves at once): one indexed query reads the
    slot's version, layout and the quiz's grace period for this student's
    attempt; the form is parsed with the version's cached card; then a single
    UPDATE stores the answer if the attempt is still open and the sequence is
    newer (exambank.actions.save_answer). No session write, no page render.
    """
    try:
        position = int(request.POST["position"])
        sequence = int(request.POST["seq"])
    except (KeyError, ValueError):
        return JsonResponse(
            {"error": "ต้องระบุ position และ seq / position and seq are required"}, status=400
        )
    row = actions.slot_for_answer(pk, position, request.user.pk)
    if row is None:
        return _not_found_or_forbidden(request, pk, f"ไม่มีข้อที่ {position} / no question {position}")
    version = snapshot.card(row.version_id)
    response = response_from_form(
        version.qtype, version.data, row.layout, request.POST, f"q{position}"
    )
    try:
        saved = actions.save_answer(
            pk, position, response, sequence, user_id=request.user.pk, grace_seconds=row.grace
        )
    except Attempt.DoesNotExist:
        raise Http404 from None  # another student's attempt looks like a missing one
    except actions.AttemptRefused as exc:
        return JsonResponse({"error": str(exc), "closed": True}, status=409)
    body = {"saved": saved.stored, "position": position, "seq": sequence}
    if saved.stored and row.feedback_mode == "immediate":
        result = grading.grade(version.qtype, version.data, response)
        body["fraction"] = result.fraction
        body["feedback"] = result.feedback
    return JsonResponse(body)


@login_required
@require_POST
def attempt_submit(request, pk: int):
    # A script-driven page has saved every answer already and posts nothing but
    # the token: the attempt is then locked, checked to be this student's and
    # graded in one transaction. A page without JavaScript posts every answer.
    has_answers = any(key.startswith("q") for key in request.POST)
    if not has_answers:
        try:
            actions.submit_attempt(pk, user_id=request.user.pk)
        except Attempt.DoesNotExist:
            raise Http404 from None  # missing, or another student's: the same answer
        return redirect("exambank:review", pk=pk)
    attempt = _own_attempt(request, pk)
    if attempt.user_id != request.user.pk:
        raise PermissionDenied
    responses = {}
    if attempt.state == AttemptState.IN_PROGRESS:
        slots = list(attempt.slots.all())
        by_id = snapshot.cards(s.version_id for s in slots)
        for slot in slots:
            version = by_id[slot.version_id]
            responses[slot.position] = response_from_form(
                version.qtype, version.data, slot.layout, request.POST, f"q{slot.position}"
            )
    actions.submit_attempt(attempt.pk, responses)
    return redirect("exambank:review", pk=attempt.pk)


def _visible(when: str, attempt: Attempt) -> bool:
    if attempt.state == AttemptState.IN_PROGRESS:
        return False
    if when == ReviewWhen.AFTER_SUBMIT:
        return True
    return when == ReviewWhen.AFTER_CLOSE and attempt.quiz.is_closed()


@login_required
def attempt_review(request, pk: int):
    attempt = _attempt_in_scope(request, pk)
    if attempt.state == AttemptState.IN_PROGRESS:
        return redirect("exambank:attempt", pk=attempt.pk)
    quiz = attempt.quiz
    teacher = request.user.has_perm(TEACHER_PERM)
    show = {
        "marks": teacher or _visible(quiz.review_marks, attempt),
        "answers": teacher or _visible(quiz.review_answers, attempt),
        "feedback": teacher or _visible(quiz.review_feedback, attempt),
    }
    slots = attempt.slots.select_related("version").order_by("position")
    return render(
        request,
        "exambank/review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "questions": [slot_view(s) for s in slots],
            "show": show,
        },
    )


# --- Teacher pages --------------------------------------------------------------


@login_required
def item_analysis(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "stats", pk=pk)
    _teacher(request, quiz)
    analysis = ItemAnalysis.objects.filter(quiz=quiz).first()
    rows = []
    if analysis:
        names = analysis.result.get("names", {})
        for item in analysis.result.get("items", []):
            rows.append(
                {
                    **item,
                    "name": names.get(item["item"], item["item"]),
                    "flag_labels": [stats.flag_label(f) for f in item["flags"]],
                }
            )
    if request.GET.get("format") == "csv":
        return _analysis_csv(quiz, rows)
    chart = {
        "labels": [r["name"][:20] for r in rows],
        "p": [round(r["p"], 3) for r in rows],
        "r": [round(r["r"], 3) for r in rows],
    }
    return render(
        request,
        "exambank/analysis.html",
        {
            "quiz": quiz,
            "analysis": analysis,
            "rows": rows,
            "chart": chart,
            "reliability": analysis.result.get("reliability") if analysis else None,
        },
    )


def _analysis_csv(quiz: Quiz, rows: list[dict]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "question_id",
            "name",
            "n",
            "p",
            "p_upper",
            "p_lower",
            "r",
            "item_rest_r",
            "distractors",
            "flags",
        ]
    )
    for r in rows:
        distractors = "; ".join(
            f"{c}: U{v['upper']} L{v['lower']} N{v['all']}"
            for c, v in sorted(r["distractors"].items())
        )
        writer.writerow(
            [
                r["item"],
                r["name"],
                r["n"],
                f"{r['p']:.4f}",
                f"{r['p_upper']:.4f}",
                f"{r['p_lower']:.4f}",
                f"{r['r']:.4f}",
                "" if r["rest_r"] is None else f"{r['rest_r']:.4f}",
                distractors,
                " ".join(r["flags"]),
            ]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="item-analysis-{quiz.pk}.csv"'
    return response


@login_required
@require_POST
def item_analysis_refresh(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "stats", pk=pk)
    _teacher(request, quiz)
    transaction.on_commit(lambda: compute_item_analysis_task.delay(quiz.pk))
    messages.info(request, "กำลังคำนวณในเบื้องหลัง / computing in the background")
    return redirect("exambank:analysis", pk=quiz.pk)


@login_required
def paper_pdf(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "view", pk=pk)
    _teacher(request, quiz)
    data = paper.render_paper(quiz, with_key=request.GET.get("key", "1") != "0")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quiz-{quiz.pk}.pdf"'
    return response


@login_required
def answer_sheet(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "view", pk=pk)
    _teacher(request, quiz)
    errors: list[str] = []
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            done = paper.import_answer_sheet(quiz, upload.name, upload.read(), request.user)
            messages.success(request, f"ตรวจแล้ว {len(done)} คน / graded {len(done)} students")
            return redirect("exambank:answer_sheet", pk=quiz.pk)
        except QuestionImportError as exc:
            errors = [e.format(exc.filename) for e in exc.errors]
    return render(request, "exambank/answer_sheet.html", {"quiz": quiz, "errors": errors})


@login_required
def grading_queue(request):
    if not request.user.has_perm(TEACHER_PERM):
        raise PermissionDenied
    slots = (
        AttemptSlot.objects.filter(needs_manual=True, attempt__state=AttemptState.NEEDS_GRADING)
        .filter(attempt__in=attempt_policy.for_user(request.user, "view").values("pk"))
        .select_related("attempt__quiz", "attempt__user", "version")
        .order_by("attempt__submitted_at")
    )
    if request.method == "POST":
        slot = get_object_or_404(slots, pk=request.POST.get("slot"))
        try:
            fraction = float(request.POST.get("fraction", ""))
        except ValueError:
            messages.error(request, "คะแนนต้องเป็นตัวเลข 0–1 / the mark must be a number 0–1")
            return redirect("exambank:grading")
        actions.grade_by_hand(slot, fraction, request.POST.get("comment", ""), request.user)
        return redirect("exambank:grading")
    items = [{"slot": s, "view": slot_view(s)} for s in slots[:50]]
    return render(request, "exambank/grading.html", {"items": items})


@login_required
def import_view(request):
    if not request.user.has_perm("exambank.add_question"):
        raise PermissionDenied
    # Import only into categories the user may change (their school's; the area's for area admins).
    categories = category_policy.for_user(request.user, "change")
    errors: list[str] = []
    if request.method == "POST":
        category = get_object_or_404(categories, pk=request.POST.get("category"))
        upload = request.FILES.get("file")
        fmt = request.POST.get("format", "gift")
        if upload is None or fmt not in FORMATS:
            errors = ["ต้องเลือกไฟล์และรูปแบบ / choose a file and a format"]
        else:
            try:
                created = import_questions(upload.name, upload.read(), fmt, category, request.user)
                messages.success(
                    request, f"นำเข้า {len(created)} ข้อ / imported {len(created)} questions"
                )
                return redirect("exambank:import")
            except QuestionImportError as exc:
                errors = [e.format(exc.filename) for e in exc.errors]
    return render(
        request,
        "exambank/import.html",
        {"categories": categories, "formats": FORMATS, "errors": errors},
    )


@login_required
def export_view(request, pk: int, fmt: str):
    category = category_policy.get_or_404(request.user, "view", pk=pk)
    if not request.user.has_perm("exambank.view_question"):
        raise PermissionDenied
    ids, frontier = [category.pk], [category.pk]
    while frontier:  # the category and everything below it
        frontier = list(Category.objects.filter(parent__in=frontier).values_list("pk", flat=True))
        ids += frontier
    questions = question_policy.for_user(request.user, "view").filter(category__in=ids)
    questions = questions.select_related("category")
    questions = questions.order_by("category_id", "pk")
    if fmt not in {"gift", "aiken", "xml"}:
        raise PermissionDenied
    try:
        text = export_questions(questions, fmt, category)
    except ValueError as exc:
        return HttpResponse(
            f"ส่งออกไม่ได้ / cannot export: {exc}", status=400, content_type="text/plain"
        )
    ext = {"gift": "gift.txt", "aiken": "aiken.txt", "xml": "xml"}[fmt]
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="questions-{category.pk}.{ext}"'
    return response


def sheet_template(request):
    from .formats.sheet import template_csv

    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="question-template.csv"'
    return response
