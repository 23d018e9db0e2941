"""One allow-list sanitiser for every piece of HTML a user (or an imported file) supplies.

Call ``clean_html`` where such HTML is *stored* (question versions, lesson bodies,
media descriptions, mirror pulls), so every later read can trust the database and
no renderer needs its own filter. Text that is not HTML (plain or Markdown formats)
is not passed here: it is escaped when shown.

Why nh3: it wraps ammonia (Rust, html5ever), parses exactly like a browser, is
maintained, fast enough to run on every save, and refuses anything not listed —
unlike a block-list, a new attack vector is not allowed merely because nobody
thought of it. Wagtail's own rich-text whitelister works on its DB format only and
would drop tables and MathML.

What survives (and why):
- basic formatting: p, br, hr, b, strong, i, em, u, s, sub, sup, small, mark,
  code, pre, blockquote, span, div, headings h1–h6, lists (ul, ol, li, dl, dt, dd);
- tables: table, caption, thead, tbody, tfoot, tr, th, td, colgroup, col with
  colspan, rowspan, scope and headers;
- images: img with src (http, https, relative, or a data: URL of a raster image),
  alt, title, width and height;
- links: a with href (http, https, mailto, tel, relative) and title; every link
  gets ``rel="noopener noreferrer"``;
- math: MathML (math, mrow, mi, mn, mo, msup, msub, mfrac, msqrt, mroot, mtable, …)
  and TeX written as text (``\\(x^2\\)``, ``$$…$$``) with ``class="math-tex"`` on a
  span, as Moodle and TinyMCE mark it;
- Wagtail's stored rich-text references: ``<a linktype="page" id="3">`` and
  ``<embed embedtype="image" id="7" format="left" alt="…">`` (numeric ids only),
  which ``expand_db_html`` turns into real links and images when shown.

What never survives: script, style, iframe, object, form, input, svg, any on*
event handler, style attributes, javascript:/vbscript:/data: links, and comments.
The *content* of script, style and similar elements is dropped with the tag, not
left behind as text.
"""

from __future__ import annotations

import re

import nh3

_FORMATTING = {
    "p", "br", "hr", "b", "strong", "i", "em", "u", "s", "sub", "sup", "small", "mark",
    "code", "pre", "blockquote", "span", "div", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "embed", "figure", "figcaption",
}  # fmt: skip
_TABLES = {"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col"}
_MATHML = {
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup",
    "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd",
    "mstyle", "mpadded", "mphantom", "menclose", "semantics", "annotation",
}  # fmt: skip

ALLOWED_TAGS: frozenset[str] = frozenset(_FORMATTING | _TABLES | _MATHML)

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "linktype", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "embed": {"embedtype", "id", "format", "alt"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "td": {"colspan", "rowspan", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "math": {"display", "xmlns"},
    "mo": {"stretchy", "fence", "separator"},
    "mfrac": {"linethickness"},
    "mtd": {"columnspan", "rowspan"},
    "mspace": {"width"},
    "annotation": {"encoding"},
    "span": {"class"},
    "*": {"lang", "dir"},
}

# Tags removed together with what they contain (not just unwrapped).
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "noscript", "template", "svg"}

_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_RASTER_DATA_URL = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")
_NUMERIC = re.compile(r"^\d{1,12}$")
_ALLOWED_VALUES = {
    ("a", "linktype"): {"page", "document", "external", "email"},
    ("embed", "embedtype"): {"image", "media"},
    ("span", "class"): {"math-tex", "math"},
    ("math", "display"): {"block", "inline"},
    ("math", "xmlns"): {"http://www.w3.org/1998/Math/MathML"},
}


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """Second gate after the per-tag lists: values that must have a shape."""
    allowed = _ALLOWED_VALUES.get((tag, attr))
    if allowed is not None:
        return value if value in allowed else None
    if attr == "id":  # only Wagtail's numeric references; free ids would clobber the DOM
        return value if _NUMERIC.match(value) else None
    if attr in {"href", "src"} and value.strip().lower().startswith("data:"):
        # data: only for raster images; on a link it opens a document of the
        # attacker's choosing.
        return value if tag == "img" and _RASTER_DATA_URL.match(value.strip()) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=_DROP_WITH_CONTENT,
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes=_URL_SCHEMES | {"data"},
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def clean_html(value: str) -> str:
    """Return ``value`` with everything outside the allow-list removed.

    Idempotent (cleaning clean HTML changes nothing), total (never raises on odd
    input) and cheap; ``None`` or an empty string gives ``""``.
    """
    if not value:
        return ""
    return _CLEANER.clean(str(value))


def clean_rich_text_fields(instance) -> None:
    """Clean, in place, every RichTextField of ``instance`` and every rich-text value
    inside its StreamFields (lesson bodies, course summaries)."""
    from wagtail.fields import RichTextField, StreamField

    for field in instance._meta.concrete_fields:
        if isinstance(field, RichTextField):
            value = getattr(instance, field.attname)
            if value:
                setattr(instance, field.attname, clean_html(value))
        elif isinstance(field, StreamField):
            for child in getattr(instance, field.attname) or []:
                _clean_block_value(child.value)


def _clean_block_value(value) -> None:
    from wagtail.blocks import StreamValue, StructValue
    from wagtail.rich_text import RichText

    if isinstance(value, RichText):
        value.source = clean_html(value.source)
    elif isinstance(value, StructValue):
        for inner in value.values():
            _clean_block_value(inner)
    elif isinstance(value, StreamValue):
        for child in value:
            _clean_block_value(child.value)
    elif isinstance(value, list):
        for inner in value:
            _clean_block_value(inner)


def clean_page_on_save(sender, instance, **kwargs) -> None:
    """pre_save receiver: every Wagtail page is cleaned however it is saved
    (the editor, an import, a mirror pull)."""
    from wagtail.models import Page

    if isinstance(instance, Page):
        clean_rich_text_fields(instance)
