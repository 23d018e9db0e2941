"""Server-rendered bar charts: readable without JavaScript, printable, in the PDF.

On screen a chart is SVG (``bar_chart``). In a PDF it is HTML and CSS
(``html_bar_chart``): WeasyPrint draws SVG text one letter at a time, each
shaped alone, so a Thai label comes out with its vowels and tone marks beside
their consonants on dotted circles. HTML text goes through Pango like the rest
of the page, marks in place. Pure functions from numbers to markup; every text
is escaped.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

COLOURS = ["#1f6feb", "#d29922", "#2da44e", "#cf222e", "#8250df", "#bf8700"]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def bar_chart(
    labels: list[str],
    series: list[tuple[str, list[float]]],
    *,
    title: str = "",
    width: int = 720,
    bar_height: int = 14,
) -> SafeString:
    """Horizontal grouped bars: one group per label, one bar per series."""
    peak = max([v for _, values in series for v in values] + [1])
    label_w, gap = 220, 8
    group_h = bar_height * len(series) + gap
    legend_h = 20 if len(series) > 1 else 0
    top = (24 if title else 4) + legend_h
    height = top + group_h * len(labels) + 8
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="Sarabun, Loma, Garuda, sans-serif" font-size="12">'
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>')
    for i, (name, _) in enumerate(series if legend_h else []):
        x = label_w + i * 160
        parts.append(
            f'<rect x="{x}" y="{top - 16}" width="10" height="10" fill="{COLOURS[i % 6]}"/>'
            f'<text x="{x + 14}" y="{top - 7}">{escape(name)}</text>'
        )
    for row, label in enumerate(labels):
        y = top + row * group_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + group_h / 2}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label[:40])}</text>'
        )
        for i, (_, values) in enumerate(series):
            value = values[row] if row < len(values) else 0
            w = max(0.0, plot_w * value / peak)
            by = y + i * bar_height
            parts.append(
                f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{bar_height - 2}" '
                f'fill="{COLOURS[i % 6]}"><title>{escape(label)}: {_fmt(value)}</title></rect>'
                f'<text x="{label_w + w + 4:.1f}" y="{by + bar_height - 4}">{_fmt(value)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every interpolated text above is escaped


def bar_rows(labels: list[str], series: list[tuple[str, list[float]]]) -> list[dict]:
    """One row per label: its bars as widths in per cent of the row's width, the
    largest value filling 85 (the rest is room for the figure after the bar)."""
    peak = max([v for _, values in series for v in values] + [1])
    return [
        {
            "label": label,
            "bars": [
                {
                    "width": round(85 * max(0.0, value) / peak, 1),
                    "colour": COLOURS[i % 6],
                    "value": _fmt(value),
                }
                for i, value in enumerate(
                    values[row] if row < len(values) else 0 for _, values in series
                )
            ],
        }
        for row, label in enumerate(labels)
    ]


def html_bar_chart(labels: list[str], series: list[tuple[str, list[float]]]) -> SafeString:
    """The same bars as ``bar_chart``, as an HTML table for a PDF."""
    legend = [(name, COLOURS[i % 6]) for i, (name, _) in enumerate(series)]
    return render_to_string(
        "reports/_bar_chart.html",
        {"rows": bar_rows(labels, series), "legend": legend if len(series) > 1 else []},
    )
