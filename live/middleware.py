"""A session opened by a classroom screen's link reaches the screen and what it plays, no more.

The link is a key that sits in a TV's address bar; whoever copies it gets a
session of the school's screen account (live.screens). Kept to these views, that
session can show the school's timetable and its lessons, and cannot browse the
site, enrol, answer quizzes or read anyone's pages as a member of the school.
"""

from __future__ import annotations

from django.http import Http404

from .screens import screen_school_code

# View names (namespace:name) a screen's session may reach.
SCREEN_VIEWS = frozenset(
    {
        "live:classroom_screen",
        "live:classroom_now",
        "live:classroom_week",
        "live:state",
        "live:file",
        "media_center:file",
        "media_center:poster",
        "logout",
        "set_language",
    }
)


class ClassroomScreenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        code = screen_school_code(request)
        if code is None or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name == "live:classroom_screen" and request.GET.get("key"):
            return None  # another screen's address: its key decides
        if name not in SCREEN_VIEWS or view_kwargs.get("code", code) != code:
            raise Http404
        return None
