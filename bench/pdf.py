"""Thai in PDFs: WeasyPrint (core.pdf, every PDF the product makes) against fpdf2 + HarfBuzz.

    python -m bench.pdf [--quick]

The same Thai is printed by both stacks in the same font (Garuda) and size:
1. marks: words with stacked marks (tone marks over upper vowels, sara am, ฤ,
   ฤๅ, lower vowels under ญ and ฐ) one per line at 28 pt; each is cut out of the
   page rasterised at 144 dpi and compared with the same word shaped by HarfBuzz
   (Pillow + libraqm): ``marks_iou_min``/``_mean`` (1.0 = the same ink); and
   against the same word unshaped (each letter's own glyph): ``marks_placed``
   counts the words printed closer to the shaped one, of the
   ``marks_telling_words`` whose shaped and unshaped forms differ;
2. wrapping: an exam question of a few hundred letters, few spaces, in a
   120 mm column at 14 pt; pdftotext's lines must end on PyThaiNLP word
   boundaries (``breaks_inside_words``), and the text must come back out of the
   PDF letter for letter (``text_round_trip``: search and copy-paste work);
3. cost: a paper of 40 such questions: median seconds to render and bytes.
fpdf2 is the baseline: the stack the paper tests and certificates used before
(``pip install fpdf2 uharfbuzz`` to run it; without them only WeasyPrint runs).
Ratios are WeasyPrint over fpdf2. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import json
import statistics
import time

from core.pdf import render_pdf

from . import _pdf_quality as q

FAMILY, DPI, WORD_PT = "Garuda", 144, 28
WORDS = [
    "ที่นี่",
    "พี่น้อง",
    "ยิ่งใหญ่",
    "น้ำท่วม",
    "กำลังใจ",
    "ฤดูฝน",
    "ฤๅษี",
    "ปั้นป่า",
    "ฝั่งฟ้า",
    "กตัญญู",
    "ฐานราก",
    "เปลี่ยน",
    "ผู้ใหญ่",
    "ครั้นถึง",
]
QUESTION = (
    "ข้อใดต่อไปนี้ใช้คำว่า น้ำ ได้ถูกต้องที่สุด เมื่อคุณครูอธิบายเรื่องฤดูฝนที่ทำให้น้ำท่วมไร่นาของชาวบ้าน"
    "ในจังหวัดที่อยู่ริมแม่น้ำเจ้าพระยา นักเรียนที่ตั้งใจฟังจึงจดบันทึกไว้ว่าผู้ใหญ่บ้านได้สั่งให้ทุกครัวเรือน"
    "เตรียมกระสอบทรายกั้นน้ำ และพี่น้องที่อยู่ต่างถิ่นก็กลับมาช่วยกันอย่างพร้อมเพรียง ฤๅษีในนิทานพื้นบ้าน"
    "กล่าวว่าความสามัคคีคือพลังที่ยิ่งใหญ่ที่สุดของชุมชนที่เข้มแข็ง"
)
BAND_MM, LEFT_MM, TOP_MM = 18, 20, 15


def _html(body: str, style: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>'
        f"@page {{ size: A4; margin: 0 }} body {{ margin: 0; font-family: {FAMILY} }} {style}"
        f"</style></head><body>{body}</body></html>"
    )


def weasy_words() -> bytes:
    body = "".join(
        f'<div style="position: absolute; left: {LEFT_MM}mm; top: {TOP_MM + i * BAND_MM}mm">'
        f"{html.escape(word)}</div>"
        for i, word in enumerate(WORDS)
    )
    return render_pdf(_html(body, f"div {{ font-size: {WORD_PT}pt; line-height: 1.3 }}"))


def weasy_question(copies: int = 1) -> bytes:
    block = f"<p>{html.escape(QUESTION)}</p>"
    style = "p { width: 120mm; margin: 15mm 20mm 4mm; font-size: 14pt; break-inside: avoid }"
    return render_pdf(_html(block * copies, style))


def _fpdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font(FAMILY, "", q.font_file(FAMILY))
    pdf.set_text_shaping(True)
    pdf.set_margins(20, 15)
    pdf.add_page()
    return pdf


def fpdf_words() -> bytes:
    pdf = _fpdf()
    pdf.set_font(FAMILY, size=WORD_PT)
    for i, word in enumerate(WORDS):
        pdf.set_xy(LEFT_MM, TOP_MM + i * BAND_MM)
        pdf.cell(0, WORD_PT * 0.5, word)
    return bytes(pdf.output())


def fpdf_question(copies: int = 1) -> bytes:
    pdf = _fpdf()
    pdf.set_font(FAMILY, size=14)
    for _ in range(copies):
        with pdf.unbreakable() as block:
            block.multi_cell(120, 7, QUESTION, new_x="LMARGIN", new_y="NEXT")
            block.ln(4)
    return bytes(pdf.output())


def measure(words, question, runs: int) -> dict:
    page = q.rasterise(words(), DPI)
    px = round(WORD_PT * DPI / 72)
    matches = q.word_matches(page, WORDS, FAMILY, px)
    telling = q.telling_words(WORDS, FAMILY, px)
    scores = [shaped for shaped, _ in matches]
    one = question()
    lines = [line for line in q.pdf_text(one).splitlines() if line.strip()]
    try:
        cut = q.breaks_inside_words(QUESTION, lines)
    except ValueError:
        cut = ["(lines do not follow the text)"]
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(question(40))
        times.append(time.perf_counter() - start)
    return {
        "marks_iou_min": round(min(scores), 3),
        "marks_iou_mean": round(statistics.fmean(scores), 3),
        # words whose print is closer to the shaped than to the unshaped reference
        "marks_placed": sum(s > u for (s, u), t in zip(matches, telling, strict=True) if t),
        "marks_telling_words": sum(telling),
        "lines": len(lines),
        "breaks_inside_words": cut,
        "text_round_trip": q.reads_back(QUESTION, q.pdf_text(one)),
        "paper_40_s": round(statistics.median(times), 3),
        "paper_40_bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    runs = 2 if parser.parse_args().quick else 5
    result = {"words": len(WORDS), "weasyprint": measure(weasy_words, weasy_question, runs)}
    if importlib.util.find_spec("fpdf") is not None:
        base = result["fpdf2"] = measure(fpdf_words, fpdf_question, runs)
        new = result["weasyprint"]
        result["time_ratio"] = round(new["paper_40_s"] / base["paper_40_s"], 2)
        result["size_ratio"] = round(new["paper_40_bytes"] / base["paper_40_bytes"], 2)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
