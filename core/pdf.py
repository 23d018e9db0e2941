"""Every PDF Khlang makes: Django HTML templates laid out by WeasyPrint.

Why WeasyPrint, measured (``python -m bench.pdf``, WeasyPrint 67 against fpdf2
2.8 + HarfBuzz, the stack the paper tests and certificates used before; the same
Thai in Garuda, the same sizes):
- marks: both shape with HarfBuzz, and both print 14 words of stacked marks
  (tone marks over upper vowels, sara am, ฤ, ฤๅ, ญ and ฐ over lower vowels) as
  a HarfBuzz reference drawing of them does: ink overlap 0.79-0.96 against
  0.81-0.94; neither floats a mark. Marks are not what decides.
- wrapping: an exam question in a 120 mm column. fpdf2 wraps where the line is
  full, so three of seven line ends cut a word (ชาวบ้า|น, ทุกค|รัว, ที่|สุด);
  WeasyPrint breaks through Pango and libthai's dictionary, and no line end
  falls inside a PyThaiNLP word. A question a student cannot read across a cut
  word is the failure that decides.
- text read back (pdftotext, what search and copy-paste see): in Garuda both
  give the letters back once sara am is spelled out (``spell_out_sara_am``
  below). In Laksaman WeasyPrint still reads a lower vowel under a tone mark
  back as the tone mark (รู้ as ร้้); the print itself is right.
- cost: a paper of 40 such questions takes 0.27-0.36 of fpdf2's time (0.76 s
  against 2.81 s on two shared cores) and 0.70 of its bytes (WeasyPrint
  subsets fonts with HarfBuzz and compresses streams).
So every PDF is HTML and print CSS (@page size, margins, page numbers,
``break-inside: avoid``) from each app's templates/, rendered here.

Fonts are Debian's fonts-thai-tlwg (Garuda, Loma) and fonts-tlwg-laksaman-ttf
(Laksaman, the metric twin of TH Sarabun used in Thai official documents), found
through fontconfig by family name. Nothing is fetched while a PDF is made: the
only resources a document may name are ``data:`` URLs (pictures are embedded by
the template through ``data_url``), so a URL in a question or a course title can
never make the server read a file or call another host.
"""

from __future__ import annotations

import base64
import logging
import re

from django.template.loader import render_to_string

# fontTools logs every glyph of every subset at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


# Sara am with the tone mark before it, and the same spelled out as nikhahit,
# tone mark, sara aa: the glyph order HarfBuzz's Thai shaper makes of it.
SARA_AM = re.compile("([\u0e48-\u0e4b]?)\u0e33")
SARA_AM_SPELLED = "\u0e4d\\1\u0e32"


def spell_out_sara_am(text: str) -> str:
    """Sara am as nikhahit + sara aa (its compatibility decomposition, NFKC-equal).

    The print is the same glyphs in the same places. What changes is the text
    a reader copies or searches: WeasyPrint maps each glyph to the text of the
    first cluster it drew it for, so once the sara aa glyph has been drawn as
    the tail of sara am, every plain sara aa in the document reads back as sara
    am. Spelled out, each glyph stands for its own letter.
    """
    return SARA_AM.sub(SARA_AM_SPELLED, text)


class ResourceRefused(ValueError):
    """A document named something other than a ``data:`` URL."""


def _data_only(url: str, *args, **kwargs) -> dict:
    from weasyprint import default_url_fetcher

    if not url.startswith("data:"):
        raise ResourceRefused(url)
    return default_url_fetcher(url, *args, **kwargs)


def render_pdf(html: str) -> bytes:
    """The PDF of one HTML document (print CSS: @page size, margins, page numbers)."""
    from weasyprint import HTML

    return HTML(string=spell_out_sara_am(html), url_fetcher=_data_only).write_pdf()


def render_template_pdf(template_name: str, context: dict, request=None) -> bytes:
    return render_pdf(render_to_string(template_name, context, request=request))


def data_url(content: bytes, mime_type: str) -> str:
    """``content`` as a ``data:`` URL, the one way a picture enters a PDF."""
    return f"data:{mime_type};base64,{base64.b64encode(content).decode('ascii')}"
