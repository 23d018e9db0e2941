"""HTML to PDF with WeasyPrint.

Why WeasyPrint: Thai needs real text shaping (vowels and tone marks stacked
above and below consonants, sara am) and line breaking without spaces between
words. WeasyPrint lays text out with Pango and HarfBuzz, which do the shaping
and break Thai lines at word boundaries through libthai; ReportLab and fpdf2 do
neither out of the box, so their Thai shows floating marks or cut words. The
fonts are Debian's fonts-thai-tlwg (Garuda, Loma, Sarabun-like Laksaman), found
through fontconfig; nothing is fetched at run time.
"""

from __future__ import annotations


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()
