"""A teacher's pages for a quiz: item analysis, the paper test, its answer sheet, grading."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from core.tables import csv_bytes, file_response

from .. import actions, paper, stats
from ..formats import QuestionImportError
from ..grading import parse_number
from ..models import AttemptSlot, AttemptState, ItemAnalysis, Quiz
from ..policies import attempt_policy, quiz_policy
from ..rendering import format_mark, slot_view
from ..tasks import compute_item_analysis_task
from .access import TEACHER_PERM, check_teacher


@login_required
def item_analysis(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "stats", pk=pk)
    check_teacher(request, quiz)
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
    table = [
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
    ]
    for r in rows:
        distractors = "; ".join(
            f"{c}: U{v['upper']} L{v['lower']} N{v['all']}"
            for c, v in sorted(r["distractors"].items())
        )
        table.append(
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
    return file_response(csv_bytes(table), "csv", f"item-analysis-{quiz.pk}.csv")


@login_required
@require_POST
def item_analysis_refresh(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "stats", pk=pk)
    check_teacher(request, quiz)
    transaction.on_commit(lambda: compute_item_analysis_task.delay(quiz.pk))
    messages.info(request, gettext("Computing in the background."))
    return redirect("exambank:analysis", pk=quiz.pk)


@login_required
def paper_pdf(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "view", pk=pk)
    check_teacher(request, quiz)
    data = paper.render_paper(quiz, with_key=request.GET.get("key", "1") != "0")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quiz-{quiz.pk}.pdf"'
    return response


@login_required
def answer_sheet(request, pk: int):
    quiz = quiz_policy.get_or_404(request.user, "view", pk=pk)
    check_teacher(request, quiz)
    errors: list[str] = []
    if request.method == "POST" and request.FILES.get("file"):
        upload = request.FILES["file"]
        try:
            done = paper.import_answer_sheet(quiz, upload.name, upload.read(), request.user)
            messages.success(
                request,
                ngettext("Graded %(count)d student.", "Graded %(count)d students.", len(done))
                % {"count": len(done)},
            )
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
        # Marks out of the question's own maximum, as Moodle asks for them.
        mark = parse_number(request.POST.get("mark", ""))
        if mark is None or not 0 <= mark <= float(slot.mark):
            messages.error(
                request,
                gettext("The mark must be a number from 0 to %(most)s.")
                % {"most": format_mark(slot.mark)},
            )
            return redirect("exambank:grading")
        fraction = mark / float(slot.mark) if slot.mark else 0.0
        actions.grade_by_hand(slot, fraction, request.POST.get("comment", ""), request.user)
        return redirect("exambank:grading")
    items = [{"slot": s, "view": slot_view(s)} for s in slots[:50]]
    return render(request, "exambank/grading.html", {"items": items})
