"""The annual report's chart prints Thai labels with their marks in place."""

from __future__ import annotations

from bench import _pdf_quality as q
from core.pdf import render_pdf
from reports.svg import html_bar_chart

DPI, POINTS = 144, 28
PIXELS = POINTS * DPI // 72
LABEL = "ผู้ใหญ่บ้าน"  # tone marks over lower vowels: drawn unshaped they stand apart


def test_chart_labels_are_shaped_like_the_text_around_them():
    chart = html_bar_chart([LABEL], [("%", [80.0])])
    page_html = (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>'
        f"@page {{ size: A4; margin: 0 }} body {{ margin: 0; font: {POINTS}pt Laksaman }}"
        f"</style></head><body>{chart}</body></html>"
    )
    page = q.rasterise(render_pdf(page_html), DPI)
    label_column = page.crop((0, 0, round(0.38 * 210 / 25.4 * DPI) - 8, page.height))
    [(shaped, unshaped)] = q.word_matches(label_column, [LABEL], "Laksaman", PIXELS)
    assert shaped >= 0.75 and shaped > unshaped + 0.05, (shaped, unshaped)
