"""The exam bank's KPI for the area plan (found by reports at start-up).

"Exam-bank items for the 5 core subject groups": questions of a core subject
group that exist by the end of the fiscal year and are not hidden.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reports.registry import CounterItem, CounterResult, Period, register_counter

from .models import Question


@register_counter("exambank_core_items")
def count_core_items(period: Period) -> CounterResult:
    end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.max))
    questions = (
        Question.objects.filter(subject_group__is_core=True, created_at__lte=end)
        .exclude(status="hidden")
        .select_related("subject_group", "grade_level")
        .order_by("subject_group__sort_order", "pk")
    )
    breakdown: dict[str, float] = {}
    items = []
    for question in questions:
        code = question.subject_group.code
        breakdown[code] = breakdown.get(code, 0) + 1
        grade = question.grade_level.code if question.grade_level_id else ""
        items.append(CounterItem(question.name or question.text[:60], "", code, grade))
    return CounterResult(float(len(items)), breakdown, items[:500])
