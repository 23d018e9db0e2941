"""The supervision record as a PDF in the office's layout (แบบบันทึกการนิเทศ).

Rendered by the project's one PDF renderer (core.pdf, WeasyPrint; why is written
there).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.pdf import render_pdf

from .models import Observation


def record_pdf(record: Observation, request=None) -> bytes:
    """Always in Thai: it is the office's form, whatever language the reader browses in."""
    with translation.override("th"):
        html = _html(record, request)
    return render_pdf(html)


def _html(record: Observation, request) -> str:
    return render_to_string(
        "supervision/record_pdf.html",
        {
            "record": record,
            "area": record.school.network.area,
            "scores": record.scores.select_related("criterion").order_by("criterion__sort_order"),
            "evidence": record.evidence.all(),
            "followups": record.followups.all(),
            "printed": timezone.now(),
        },
        request=request,
    )
