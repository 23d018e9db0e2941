"""Training Online certificates as PDF: lms/certificate_pdf.html through core.pdf.

The font is Laksaman, Debian's metric twin of TH Sarabun, the typeface of Thai
official documents (fonts-tlwg-laksaman-ttf, installed by
scripts/ensure-system.sh). core.pdf says why WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import translation

from core.i18n import bilingual
from core.pdf import render_template_pdf
from core.thaidate import thai_date

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
    for font in (FONT_REGULAR, FONT_BOLD):
        # Without it fontconfig would quietly print the certificate in another face.
        if not font.exists():
            raise FontMissing(
                bilingual(
                    "Thai font %(font)s is missing (install fonts-tlwg-laksaman-ttf)", font=font
                )
            )
    # A certificate is an official Thai document, whatever language the reader chose.
    with translation.override("th"):
        return render_template_pdf(
            "lms/certificate_pdf.html",
            {
                "certificate": certificate,
                "issuer": issuer,
                "hours": _hours_text(certificate.hours),
                "date": thai_date(certificate.issued_at, "long"),
                "verify_url": verify_url,
            },
        )
