"""Slugs that keep Thai words whole.

Thai vowel and tone marks (e.g. ◌ื ◌่ in "สื่อ") are combining characters
(Unicode category Mn). Python's ``\\w`` does not match them, so Django's unicode
slug rule refuses "สื่อ" and ``slugify`` silently strips the marks ("สอ"), which
turns Thai titles into misspelt, sometimes colliding, URLs.

``WAGTAIL_ALLOW_UNICODE_SLUGS`` (on in settings) only chooses Unicode over ASCII;
the marks are kept through the extension points Wagtail and Django document,
without patching either:

* ``ThaiSlugPage``, mixed into each of our page models, gives them an admin form
  (``base_form_class``) whose slug field takes Thai, and which fills an empty
  slug from the title, marks kept, unique among the page's siblings (Wagtail
  would refuse an autosave that came before the editor's suggestion, or make
  the slug with Django's ``slugify``). A draft whose slug is still the
  suggestion from its title gets the next free one instead of a "slug already
  in use" error the teacher cannot see (autosave would keep failing with it).
  The model checks its slug with the same rule (``clean_fields``) and fills an
  empty one for pages created in code (``full_clean``, ``minimal_clean``).
* khlang/static/khlang/admin-thai-slug.js does the editor's side, listening to
  the ``w-slug:applied`` event of Wagtail's slug controller.
"""

from __future__ import annotations

import re
import unicodedata

from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.text import slugify as django_slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

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


def free_child_slug(parent, base: str, page=None) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever no sibling of ``page`` uses."""
    siblings = parent.get_children()
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _without_unicode_rule(rules) -> list:
    return [rule for rule in rules if rule is not validators.validate_unicode_slug]


class ThaiSlugPageForm(WagtailAdminPageForm):
    """The page editor's form: Thai slugs accepted, an empty one filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("slug")
        if field is not None:
            field.validators = [*_without_unicode_rule(field.validators), validate_thai_slug]
            # Wagtail requires a slug even in a draft; one left empty (autosave
            # can come before the editor's suggestion) is made in ``clean``.
            field.required = False

    def clean(self):
        title = (self.cleaned_data.get("title") or "").strip()
        slug = self.cleaned_data.get("slug")
        if "slug" in self.cleaned_data and title and self.parent_page is not None:
            suggested = thai_slugify(title, allow_unicode=True)
            draft = not self.instance.first_published_at
            if suggested and (not slug or (draft and slug == suggested)):
                self.cleaned_data["slug"] = free_child_slug(
                    self.parent_page, suggested, self.instance
                )
        return super().clean()


class ThaiSlugPage:
    """Mixin for page models: Thai slugs allowed, filled from the title with marks."""

    base_form_class = ThaiSlugPageForm

    def _fill_thai_slug(self) -> None:
        if not self.slug and self.title and self.path:
            base = thai_slugify(self.title, allow_unicode=True)
            if base:
                self.slug = free_child_slug(self.get_parent(), base, self)

    def full_clean(self, *args, **kwargs):
        self._fill_thai_slug()
        return super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        self._fill_thai_slug()
        return super().minimal_clean()

    def clean_fields(self, exclude=None):
        exclude = set(exclude or ())
        errors: dict = {}
        try:
            super().clean_fields(exclude=exclude | {"slug"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "slug" not in exclude:
            field = self._meta.get_field("slug")
            try:
                field.validate(self.slug, self)
                for rule in [*_without_unicode_rule(field.validators), validate_thai_slug]:
                    rule(self.slug)
            except ValidationError as error:
                errors.setdefault("slug", []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)


__all__ = [
    "ThaiSlugPage",
    "ThaiSlugPageForm",
    "free_child_slug",
    "thai_slugify",
    "validate_thai_slug",
]
