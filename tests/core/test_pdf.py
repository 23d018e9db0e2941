"""Thai in the PDFs core.pdf makes, read back as pixels and as text.

Marks: a word is cut out of the rasterised page and compared with the same word
drawn by HarfBuzz (Pillow + libraqm) in the same font, and with the word drawn
unshaped (each letter's own glyph): the print must be the shaped one.
Wrapping: every line end of a long Thai question falls between two PyThaiNLP
words. Text: pdftotext gives the letters back, so search and copy-paste work.
"""

from __future__ import annotations

import html

from bench import _pdf_quality as q
from core.pdf import data_url, render_pdf

QUESTION = (
    "ข้อใดต่อไปนี้ใช้คำว่า น้ำ ได้ถูกต้องที่สุด เมื่อคุณครูอธิบายเรื่องฤดูฝนที่ทำให้น้ำท่วมไร่นาของชาวบ้าน"
    "ในจังหวัดที่อยู่ริมแม่น้ำเจ้าพระยา นักเรียนที่ตั้งใจฟังจึงจดบันทึกไว้ว่าผู้ใหญ่บ้านได้สั่งให้ทุกครัวเรือน"
    "เตรียมกระสอบทรายกั้นน้ำ และพี่น้องที่อยู่ต่างถิ่นก็กลับมาช่วยกันอย่างพร้อมเพรียง ฤๅษีในนิทานพื้นบ้าน"
    "กล่าวว่าความสามัคคีคือพลังที่ยิ่งใหญ่ที่สุดของชุมชนที่เข้มแข็ง"
)
DPI, POINTS = 144, 28
PIXELS = POINTS * DPI // 72


def _page(body: str, style: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>'
        "@page { size: A4; margin: 15mm } body { font-family: Garuda }"
        f"{style}</style></head><body>{body}</body></html>"
    )


def test_stacked_marks_print_as_harfbuzz_shapes_them():
    # Tone marks over upper vowels and lower vowels, sara am, a tone mark on ญ with sara u.
    words = ["ผู้ใหญ่", "น้ำท่วม", "ปั้นป่า"]
    body = "".join(f"<p>{html.escape(w)}</p>" for w in words)
    pdf = render_pdf(_page(body, f"p {{ font-size: {POINTS}pt; margin: 0 0 12mm }}"))
    page = q.rasterise(pdf, DPI)
    assert 0.001 < q.ink_share(page) < 0.2  # printed, and not a black page
    assert all(q.telling_words(words, "Garuda", PIXELS))  # each looks different unshaped
    for word, (shaped, unshaped) in zip(
        words, q.word_matches(page, words, "Garuda", PIXELS), strict=True
    ):
        assert shaped >= 0.75 and shaped > unshaped + 0.05, (word, shaped, unshaped)


def test_a_long_thai_question_wraps_between_words():
    style = "p { width: 110mm; font-size: 14pt }"
    pdf = render_pdf(_page(f"<p>{html.escape(QUESTION)}</p>", style))
    lines = [line for line in q.pdf_text(pdf).splitlines() if line.strip()]
    assert len(lines) >= 5  # it did wrap, and mostly where there is no space
    assert q.breaks_inside_words(QUESTION, lines) == []


def test_the_text_reads_back_letter_for_letter():
    """Sara aa after a sara am reads back as sara aa (core.pdf spells sara am out)."""
    pdf = render_pdf(_page(f"<p>{html.escape(QUESTION)}</p>"))
    text = q.pdf_text(pdf)
    assert q.reads_back(QUESTION, text)
    assert "ว่า" in text and "ว่ำ" not in text


def test_the_line_check_sees_a_word_cut_in_two():
    lines = ["ข้อใดต่อไปนี้ใช้คำว่า น้ำ ได้ถูกต้องที่สุด เมื่อคุณครูอธิบายเรื่องฤดูฝนที่ทำให้น้ำท่วมไร่นาของชาวบ้า", "น"]
    assert q.breaks_inside_words(lines[0] + lines[1], lines) == ["ชาวบ้า|น"]


def test_a_document_reaches_nothing_but_data_urls(tmp_path):
    picture = tmp_path / "red.png"
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(picture)
    outside = render_pdf(
        _page(f'<img src="{picture.as_uri()}"><img src="http://127.0.0.1:9/x.png">')
    )
    assert b"/Subtype /Image" not in outside
    inside = render_pdf(_page(f'<img src="{data_url(picture.read_bytes(), "image/png")}">'))
    assert b"/Subtype /Image" in inside
