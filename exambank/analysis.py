"""Build the score matrix of a quiz from its finished attempts and store the analysis."""

from __future__ import annotations

from django.db.models import Max
from django.utils import timezone

from . import stats
from .models import Attempt, AttemptSlot, AttemptState, ItemAnalysis, Quiz


def quiz_matrix(quiz: Quiz) -> dict:
    """Items (question ids, in first-seen order), scores, picked choices and keys."""
    slots = (
        AttemptSlot.objects.filter(attempt__quiz=quiz, attempt__state=AttemptState.FINISHED)
        .select_related("version")
        .order_by("attempt_id", "position")
    )
    items: dict[int, int] = {}
    names: dict[int, str] = {}
    keys: dict[str, set[str]] = {}
    rows: dict[int, dict[int, tuple[float, object]]] = {}
    for slot in slots:
        question_id = slot.version.question_id
        if question_id not in items:
            items[question_id] = len(items)
            names[question_id] = slot.version.name
        if slot.version.qtype == "multichoice":
            keys[str(question_id)] = {
                c["id"] for c in slot.version.data.get("choices", []) if float(c["fraction"]) > 0
            }
        # Fraction of the item's best, so a negative mark counts as 0 and p stays in 0..1.
        fraction = max(0.0, slot.fraction or 0.0)
        picked = slot.response if slot.version.qtype == "multichoice" else None
        rows.setdefault(slot.attempt_id, {})[question_id] = (fraction, picked)
    order = sorted(items, key=items.get)
    scores = [[row.get(q, (None, None))[0] for q in order] for row in rows.values()]
    choices = [[row.get(q, (None, None))[1] for q in order] for row in rows.values()]
    return {
        "items": [str(q) for q in order],
        "names": {str(q): names[q] for q in order},
        "scores": scores,
        "choices": choices,
        "keys": keys,
    }


def compute_item_analysis(quiz: Quiz) -> ItemAnalysis:
    matrix = quiz_matrix(quiz)
    result = stats.analyse(matrix["items"], matrix["scores"], matrix["choices"], matrix["keys"])
    result["names"] = matrix["names"]
    analysis, _ = ItemAnalysis.objects.update_or_create(
        quiz=quiz,
        defaults={
            "computed_at": timezone.now(),
            "attempts_used": len(matrix["scores"]),
            "result": result,
        },
    )
    return analysis


def stale_quiz_ids() -> list[int]:
    """Quizzes with an attempt graded after their last analysis (or never analysed)."""
    last = (
        Attempt.objects.filter(state=AttemptState.FINISHED)
        .values("quiz_id")
        .annotate(last=Max("graded_at"))
    )
    analysed = dict(ItemAnalysis.objects.values_list("quiz_id", "computed_at"))
    return sorted(
        row["quiz_id"]
        for row in last
        if row["quiz_id"] not in analysed or row["last"] > analysed[row["quiz_id"]]
    )
