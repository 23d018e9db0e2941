"""A student takes a timed quiz, reloads half-way, finishes and reads the review."""

import pytest

from core import roles
from exambank.models import Attempt, AttemptState
from tests.conftest import ensure_base_data
from tests.exambank.helpers import make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_timed_quiz_survives_a_reload(page, live_server, make_user, screenshot_dir):
    ensure_base_data()
    quiz = make_quiz(3, time_limit_seconds=600)
    make_user("nid", roles.STUDENT, password="pass-1234")
    page.goto(f"{live_server.url}/accounts/login/?next=/exams/quiz/{quiz.pk}/")
    page.fill("input[name=username]", "nid")
    page.fill("input[name=password]", "pass-1234")
    page.locator("form button[type=submit]").first.click()
    page.locator("#start-quiz").click()
    page.wait_for_url("**/exams/attempt/*/")
    assert page.locator("#timer").inner_text().startswith(("9:", "10:"))
    attempt = Attempt.objects.get()
    right = {
        s.position: next(c["id"] for c in s.version.data["choices"] if c["fraction"] == 1)
        for s in attempt.slots.select_related("version")
    }
    page.locator(f"#question-1 input[value={right[1]}]").check()
    page.locator("#question-1 .saved-mark").wait_for()  # saved by the page's script
    page.locator(f"#question-2 input[value={right[2]}]").check()
    page.locator("#question-2 .saved-mark").wait_for()

    page.reload()
    assert page.locator(f"#question-1 input[value={right[1]}]").is_checked()
    assert page.locator(f"#question-2 input[value={right[2]}]").is_checked()
    page.locator("#question-3 input").first.check()  # not waiting: the submit carries it
    page.screenshot(path=str(screenshot_dir / "attempt.png"), full_page=True)
    page.locator("#submit-attempt").click()
    page.wait_for_url("**/review/")
    assert page.locator("#score").is_visible()
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert Attempt.objects.count() == 1
    expected = 2 + (1 if attempt.slots.get(position=3).response == right[3] else 0)
    assert float(attempt.marks) == expected
    # Marks read as Moodle prints them: "2 / 3", never "2.000 / 3.000".
    assert f"{expected} / 3 (" in page.locator("#score").inner_text()
    assert page.locator("#question-1 .state.correct").is_visible()
    page.screenshot(path=str(screenshot_dir / "review.png"), full_page=True)
    # The student's own gradebook, reached from the header.
    page.locator("header a", has_text="คะแนนของฉัน").click()
    page.wait_for_url("**/exams/my-grades/")
    assert f"{expected} / 3" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "my-grades.png"), full_page=True)
