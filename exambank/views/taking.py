"""A student's pages: the quiz list, start, take (autosave, submit) and review.

Views stay thin: they check permissions, parse the request and call
exambank.actions; every state change is there.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from .. import actions, grading, snapshot
from ..models import Attempt, AttemptState, QuizMode, ReviewWhen
from ..policies import quiz_policy
from ..rendering import format_mark, questions_form_html, response_from_form, slot_view
from .access import TEACHER_PERM, attempt_in_scope, own_attempt


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
    attempt = own_attempt(request, pk)
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
        return JsonResponse({"error": gettext("position and seq are required")}, status=400)
    row = actions.slot_for_answer(pk, position, request.user.pk)
    if row is None:
        return _not_found_or_forbidden(
            request, pk, gettext("There is no question %(number)d.") % {"number": position}
        )
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
    attempt = own_attempt(request, pk)
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
    attempt = attempt_in_scope(request, pk)
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
            "marks_text": format_mark(attempt.marks),
            "max_marks_text": format_mark(attempt.max_marks),
            "percent_text": format_mark((attempt.score or 0) * 100),
        },
    )
