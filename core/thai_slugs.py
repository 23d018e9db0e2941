"""Slugs that keep Thai words whole.

Thai vowel and tone marks (e.g. ◌ื ◌่ in "สื่อ") are combining characters
(Unicode category Mn). Python's ``\\w`` does not match them, so Django's unicode
slug validator refuses "สื่อ" and ``slugify`` silently strips the marks ("สอ"),
which turns Thai titles into misspelt, sometimes colliding, URLs. We widen both
to the Thai block, once, at start-up (see CoreConfig.ready).
"""

from __future__ import annotations

import re
import unicodedata

from django.core import validators
from django.utils.text import slugify as django_slugify
from django.utils.translation import gettext_lazy as _

THAI_BLOCK = "\u0e00-\u0e7f"
_SLUG_RE = re.compile(rf"^[-\w{THAI_BLOCK}]+\Z")
_STRIP_RE = re.compile(rf"[^\w{THAI_BLOCK}\s-]")

validate_thai_slug = validators.RegexValidator(
    _SLUG_RE,
    _("Enter a slug of letters (Thai included), numbers, underscores or hyphens."),
    "invalid",
)


def thai_slugify(value, allow_unicode: bool = False) -> str:
    """Like django.utils.text.slugify, but Thai marks survive.

    NFC, not NFKC: NFKC splits SARA AM (ำ) into two code points, changing the
    stored text of the word.
    """
    if not allow_unicode:
        return django_slugify(value)
    value = unicodedata.normalize("NFC", str(value)).replace("\u200b", "")
    value = _STRIP_RE.sub("", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


def install() -> None:
    """Make Django's and Wagtail's slug handling Thai-aware."""
    import wagtail.models.pages as wagtail_pages
    from wagtail.models import Page

    validators.validate_unicode_slug = validate_thai_slug  # read by forms.SlugField at init
    field = Page._meta.get_field("slug")
    field.default_validators = [validate_thai_slug]
    field.__dict__.pop("validators", None)  # drop the cached list built from the old rule
    wagtail_pages.slugify = thai_slugify


__all__ = ["install", "thai_slugify", "validate_thai_slug"]
