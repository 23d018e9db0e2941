"""A student who cannot use a mouse takes a quiz from the keyboard alone: every
control is reached with Tab, shows where the focus is, and works with Space/Enter."""

import re

import pytest

from core import roles
from exambank.models import Attempt, AttemptState
from tests.conftest import ensure_base_data
from tests.exambank.helpers import make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` holds the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            # Where the focus is must show: an outline or a box shadow.
            ring = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)"
                " || s.boxShadow !== 'none'; }"
            )
            assert ring, f"{selector} has the focus but shows no focus ring"
            return
    raise AssertionError(f"{selector} never took the focus in {limit} presses of Tab")


def test_quiz_from_the_keyboard_alone(page, live_server, make_user):
    ensure_base_data()
    quiz = make_quiz(2)
    make_user("nid", roles.STUDENT, password="pass-1234")
    page.goto(f"{live_server.url}/accounts/login/?next=/exams/quiz/{quiz.pk}/")
    page.fill("input[name=username]", "nid")
    page.fill("input[name=password]", "pass-1234")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"^[^?]*/exams/quiz/{quiz.pk}/$"))

    tab_to(page, "#start-quiz")
    page.keyboard.press("Enter")
    page.wait_for_url("**/exams/attempt/*/")
    attempt = Attempt.objects.get()
    right = {
        s.position: next(c["id"] for c in s.version.data["choices"] if c["fraction"] == 1)
        for s in attempt.slots.select_related("version")
    }
    for position in (1, 2):
        tab_to(page, f"#question-{position} input[type=radio]")
        # Arrow keys move through a radio group and choose as they go.
        for _ in range(6):
            if page.evaluate("() => document.activeElement.value") == str(right[position]):
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        assert page.locator(f"#question-{position} input[value={right[position]}]").is_checked()
        page.locator(f"#question-{position} .saved-mark").wait_for()
    tab_to(page, "#submit-attempt")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert float(attempt.marks) == 2
