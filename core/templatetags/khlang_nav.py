"""Breadcrumbs for Wagtail pages: the page's ancestors below the site's home."""

from django import template

register = template.Library()


@register.simple_tag
def page_trail(page) -> list[tuple[str, str]]:
    """(title, url) of each ancestor between the home page and this page."""
    if page is None or not hasattr(page, "get_ancestors"):
        return []
    ancestors = page.get_ancestors().filter(depth__gt=2).specific(defer=True)
    return [(a.title, a.url) for a in ancestors if a.url]


@register.filter
def section_url(page) -> str:
    """Where a section's card leads: the app for media and quizzes, else the page.

    The media section's own page address (/media/) is also where uploaded files
    are served in development, so visitors are sent to the library itself.
    """
    from django.urls import reverse

    apps = {"media": "media_center:browse", "exams": "exambank:quizzes"}
    name = apps.get(getattr(page, "section", ""))
    return reverse(name) if name else page.url
