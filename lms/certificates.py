"""Training Online certificates as PDF.

Why fpdf2 with HarfBuzz shaping (``set_text_shaping``): Thai stacks vowels and
tone marks above and below consonants, and only OpenType shaping (the font's
mark-positioning tables) puts them in place. A PDF writer that draws glyphs one
by one, as ReportLab's canvas does, leaves marks colliding or floating. fpdf2
hands each line to HarfBuzz (the uharfbuzz wheel from PyPI), so the same code
runs on a school's box without Pango or other system libraries, and it embeds
only the glyphs used. The font is Laksaman, Debian's metric twin of TH Sarabun,
the typeface of Thai official documents (fonts-tlwg-laksaman-ttf, installed by
scripts/ensure-system.sh).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext

from core.i18n import bilingual
from core.thaidate import thai_date

# fontTools logs every glyph of every subset at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
FONT_REGULAR = FONT_DIR / "Laksaman.ttf"
FONT_BOLD = FONT_DIR / "Laksaman-Bold.ttf"


class FontMissing(RuntimeError):
    pass


def _hours_text(hours) -> str:
    value = float(hours)
    return f"{value:g}"


def certificate_pdf(certificate, verify_url: str, issuer: str = "") -> bytes:
    """One A4 landscape page; ``verify_url`` is printed so anyone can check the code."""
    from fpdf import FPDF

    for font in (FONT_REGULAR, FONT_BOLD):
        if not font.exists():
            raise FontMissing(
                bilingual(
                    "Thai font %(font)s is missing (install fonts-tlwg-laksaman-ttf)", font=font
                )
            )
    # A certificate is an official Thai document, whatever language the reader chose.
    with translation.override("th"):
        return _draw_certificate(FPDF, certificate, verify_url, issuer)


def _draw_certificate(FPDF, certificate, verify_url: str, issuer: str) -> bytes:
    issued = thai_date(certificate.issued_at, "long")
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(gettext("Certificate %(code)s") % {"code": certificate.code})
    pdf.set_creator("Khlang")
    pdf.add_font("Laksaman", "", str(FONT_REGULAR))
    pdf.add_font("Laksaman", "B", str(FONT_BOLD))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(30, 80, 140)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 269, 182)

    def line(text: str, size: int, style: str = "", gap: float = 4) -> None:
        pdf.set_font("Laksaman", style, size)
        pdf.cell(0, size * 0.45, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_y(28)
    if issuer:
        line(issuer, 20)
    line(gettext("Certificate"), 44, "B", 6)
    line(gettext("This certificate is presented to"), 22)
    line(certificate.holder_name, 36, "B", 6)
    line(gettext("for completing the online training course"), 22)
    line(certificate.course_title, 28, "B", 4)
    line(gettext("%(hours)s hours") % {"hours": _hours_text(certificate.hours)}, 22)
    line(gettext("Given on %(date)s") % {"date": issued}, 22, gap=12)
    pdf.set_y(172)
    line(gettext("Verification code %(code)s") % {"code": certificate.code}, 16, gap=1)
    line(gettext("Verify at %(url)s") % {"url": verify_url}, 14)
    return bytes(pdf.output())
