"""Panels other apps add to the learner's start page (lms_dashboard), by registration.

An app above lms (live classes) registers a function ``panel(request)`` that
returns ``(template name, context)`` or None; the dashboard renders each one
above the learner's courses. lms never imports those apps.
"""

from __future__ import annotations

from collections.abc import Callable

Panel = Callable[[object], tuple[str, dict] | None]
_PANELS: list[Panel] = []


def register(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(request) -> list[tuple[str, dict]]:
    return [found for panel in _PANELS if (found := panel(request)) is not None]
