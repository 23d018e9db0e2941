"""Stored and reflected XSS, tried the way an attacker would, in a real browser.

A list of vectors goes in through every place a user writes text that others
read — question import (GIFT ``[html]`` and Moodle XML) and the question
editor's save path, lesson title and body, course summary, media title and
description, survey answers, search — and every page that shows it is opened as a student, a
teacher and an area admin. The test fails if any dialog opens, if any vector's
script runs (it would set ``window.__xss``), or if a ``javascript:`` link or an
event-handler attribute reaches the page.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from core import roles
from exambank import actions as exam_actions
from exambank.importing import import_questions
from exambank.models import Category, Question, Quiz, QuizSlot
from lms.actions import enrol
from media_center.models import MediaItem, Status, Visibility
from reports.models import Survey, SurveyResponse
from tests.conftest import ensure_base_data
from tests.exambank.helpers import mc_question
from tests.lms.builders import build_course, courses_index, lessons_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RUN = "window.__xss=(window.__xss||0)+1;alert(1)"
VECTORS = [
    f"<script>{RUN}</script>",
    f'<img src=x onerror="{RUN}">',
    f'<svg onload="{RUN}"><circle r=1></svg>',
    f'<a href="javascript:{RUN}">link</a>',
    f'<div style="background:url(javascript:{RUN})">style</div>',
    f'"><script>{RUN}</script>',
    f"</textarea></title><script>{RUN}</script>",
    f'<iframe src="javascript:{RUN}"></iframe>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{RUN}">',
    f'<body onload="{RUN}">',
    f"<<script>{RUN}//<</script>",
    f'<details open ontoggle="{RUN}">',
]
ALL = " ".join(VECTORS)
PASSWORD = "pass-1234"

# Event handlers or javascript: URLs that reached the live DOM (Wagtail's admin
# uses none in its markup either).
_INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const v = (attr.value || '').trim().toLowerCase();
      if (attr.name.startsWith('on') || v.startsWith('javascript:')) bad.push(el.tagName + ' ' + attr.name);
    }
  }
  return bad;
}"""


@pytest.fixture
def world(make_user, school, django_capture_on_commit_callbacks):
    ensure_base_data()
    users = {
        roles.STUDENT: make_user("nong", roles.STUDENT, school=school, password=PASSWORD),
        roles.TEACHER: make_user("kru", roles.TEACHER, school=school, password=PASSWORD),
        roles.AREA_ADMIN: make_user("khet", roles.AREA_ADMIN, password=PASSWORD),
    }
    category = Category.objects.create(name="xss", school=school)
    gift = f"::gift {VECTORS[1][:20]}:: [html]<p>GIFT</p>{ALL} {{=ถูก ~ผิด}}\n".encode()
    imported = import_questions("q.gift", gift, "gift", category, users[roles.TEACHER])
    xml = f"""<?xml version="1.0" encoding="UTF-8"?><quiz>
<question type="essay"><name><text>xml</text></name>
<questiontext format="html"><text><![CDATA[<p>XML</p>{ALL}]]></text></questiontext>
<generalfeedback format="html"><text><![CDATA[{ALL}]]></text></generalfeedback>
</question></quiz>""".encode()
    imported += import_questions("q.xml", xml, "xml", category, users[roles.TEACHER])
    # The editor's save path (exambank.actions.save_question), choices and feedback too.
    edited = mc_question(category, f"<p>editor</p>{ALL}", general_feedback=ALL)
    edited.data["choices"][0]["text"] = ALL
    edited.data["choices"][0]["feedback"] = ALL
    exam_actions.save_question(edited)
    quiz = Quiz.objects.create(
        title=f"แบบทดสอบ {VECTORS[0]}", school=school, review_answers="after_submit",
        review_feedback="after_submit", review_marks="after_submit",
    )  # fmt: skip
    for order, question in enumerate([*imported, edited]):
        QuizSlot.objects.create(quiz=quiz, order=order, question=question)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = exam_actions.start_attempt(quiz, users[roles.STUDENT], "k")
    media = MediaItem.objects.create(
        title=f"สื่อ {VECTORS[1]}", description=ALL, type="document", licence="cc-by",
        copyright_holder=VECTORS[0], owner_school=school, visibility=Visibility.PUBLIC,
        status=Status.READY, uploaded_by_user=users[roles.TEACHER],
    )  # fmt: skip
    course = build_course(
        courses_index(),
        title=f"หลักสูตร {VECTORS[2]}",
        summary=f"<p>สรุป</p>{ALL}",
        units=[("always", [(f"บท {VECTORS[0]}", "viewed", {"body": [
            {"type": "text", "value": f"<p>เนื้อหา</p>{ALL}"},
            {"type": "callout", "value": {"style": "info", "text": ALL}},
        ]})])],
    )  # fmt: skip
    for user in users.values():
        enrol(user, course)
    (lesson,) = lessons_of(course)
    survey = Survey.objects.create(title=f"แบบสอบถาม {VECTORS[1]}", service="lms")
    SurveyResponse.objects.create(survey=survey, user=users[roles.STUDENT], level=5, comment=ALL)
    question = Question.objects.filter(category=category).first()
    return {
        "users": users,
        "quiz": quiz,
        "attempt": attempt,
        "media": media,
        "course": course,
        "lesson": lesson,
        "question": question,
        "survey": survey,
    }


# What a vector could set off around "load" (a broken image's onerror, a details
# element's ontoggle, a body onload) is queued before the load event ends: once
# a task queued after it has run, so have they. (The DOM check above finds the
# handlers themselves, fired or not.)
AFTER_QUEUED_TASKS = "() => new Promise(done => setTimeout(done, 0))"


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def _pages(world, role: str) -> list[str]:
    quiz, attempt, media = world["quiz"], world["attempt"], world["media"]
    common = [
        reverse("media_center:detail", args=[media.pk]),
        reverse("media_center:browse"),
        # Reflected: each vector as a query (the page caps a query at 200 characters).
        *(f"/search/?{urlencode({'q': vector})}" for vector in VECTORS),
        world["course"].url,
        world["lesson"].url,
        reverse("exambank:quizzes"),
        reverse("exambank:quiz", args=[quiz.pk]),
        reverse("reports_survey", args=[world["survey"].pk]),
    ]
    if role == roles.STUDENT:
        return [*common, reverse("exambank:attempt", args=[attempt.pk])]
    staff = [
        *common,
        reverse("exambank:review", args=[attempt.pk]),
        reverse("exambank:analysis", args=[quiz.pk]),
        reverse("exambank:grading"),
        reverse("wagtailsnippets_exambank_question:list"),
        reverse("wagtailsnippets_exambank_question:edit", args=[world["question"].pk]),
        reverse("wagtailsnippets_exambank_quiz:edit", args=[quiz.pk]),
        "/admin/media/",
    ]
    if role == roles.AREA_ADMIN:
        staff.append(reverse("reports_survey_results", args=[world["survey"].pk]))
    return staff


def test_no_vector_runs_on_any_page_for_any_role(page, live_server, world, screenshot_dir):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    failures = []
    for role in (roles.STUDENT, roles.TEACHER, roles.AREA_ADMIN):
        _login(page, live_server.url, world["users"][role].username)
        if role == roles.STUDENT:
            # Submit the attempt through the page so the review exists for staff.
            page.goto(live_server.url + reverse("exambank:attempt", args=[world["attempt"].pk]))
        for path in _pages(world, role):
            response = page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            page.evaluate(AFTER_QUEUED_TASKS)
            status = response.status if response else 0
            if status >= 400:
                failures.append(f"{role} {path}: HTTP {status}")
            ran = page.evaluate("() => window.__xss || 0")
            injected = page.evaluate(_INJECTED)
            if ran or injected:
                failures.append(f"{role} {path}: ran={ran} injected={injected}")
        exam_actions.submit_attempt(world["attempt"].pk)
    page.screenshot(path=str(screenshot_dir / "xss-last.png"), full_page=True)
    assert not dialogs, dialogs
    assert not failures, "\n".join(failures)
