"""Panels other apps add to lms pages, by registration.

An app above lms (live classes) registers a function that returns
``(template name, context)`` or None:

- ``register(panel)``: ``panel(request)`` for the learner's start page
  (lms_dashboard), rendered above the learner's courses;
- ``register_course_panel(panel)``: ``panel(request, course)`` for a course's
  page, rendered under its lessons (a course's live classes and recordings).

lms never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[[object], tuple[str, dict] | None]
CoursePanel = Callable[[object, object], tuple[str, dict] | None]
_PANELS: list[Panel] = []
_COURSE_PANELS: list[CoursePanel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def register_course_panel(panel: CoursePanel) -> None:
    if panel not in _COURSE_PANELS:
        _COURSE_PANELS.append(panel)


def panels_for(request) -> list[tuple[str, dict]]:
    return [found for panel in _PANELS if (found := panel(request)) is not None]


def course_panels_for(request, course) -> list[tuple[str, dict]]:
    return [found for panel in _COURSE_PANELS if (found := panel(request, course)) is not None]
