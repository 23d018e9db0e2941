"""Project-level pages: each user's start page, the favicon and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from .navigation import start_url


@login_required
def start(request):
    """Where the login form sends a user with no ?next: their own start page."""
    return redirect(start_url(request.user))


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask /favicon.ico whatever the page says; send them the real icon."""
    return redirect(static("khlang/favicon.svg"), permanent=False)


def server_error(request, template_name: str = "500.html"):
    """The 500 page with the site's layout, in the visitor's language.

    It renders with the request (menu, language) when that works, and falls back
    to the plain page when the failure is in what the layout itself needs.
    """
    try:
        return HttpResponseServerError(loader.render_to_string(template_name, request=request))
    except Exception:  # the layout itself may be what fails
        return HttpResponseServerError(loader.render_to_string("500_plain.html"))
