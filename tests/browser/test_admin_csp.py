"""Wagtail's admin keeps working under the Content-Security-Policy."""

import pytest
from django.urls import reverse

from core import roles
from exambank.models import Quiz
from tests.conftest import ensure_base_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_WATCH = """() => { window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'))); }"""


def test_admin_edit_pages_start_their_widgets_without_csp_violations(
    page, live_server, make_user, school
):
    ensure_base_data()
    make_user("khet", roles.AREA_ADMIN, password="pass-1234")
    quiz = Quiz.objects.create(title="แบบทดสอบ", school=None)  # blank: the chooser offers "choose"
    violations = []
    page.on(
        "console",
        lambda m: (
            "Content Security Policy" in m.text
            and violations.append(f"{page.url} {m.location} {m.text[:80]}")
        ),
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "khet")
    page.fill("input[name=password]", "pass-1234")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + reverse("wagtailsnippets_exambank_quiz:edit", args=[quiz.pk]))
    # Chooser widgets (core/admin_csp.py): the school chooser opens its modal.
    page.locator("#id_school-chooser [data-chooser-action-choose]").first.click()
    page.locator(".modal.show, .modal-dialog").first.wait_for()
    page.keyboard.press("Escape")
    page.reload()
    # The inline panel is started by core/js/admin-init.js, not an inline script.
    before = page.locator("[id^='inline_child_slots-']").count()
    page.locator("#id_slots-ADD").click()
    page.locator(f"#inline_child_slots-{before}").wait_for()
    # A date widget is started the same way (its chooser attaches on focus).
    assert page.locator("[data-khlang-init='initDateTimeChooser'][data-khlang-started]").count()
    page.goto(live_server.url + reverse("wagtailsnippets_exambank_question:add"))
    page.wait_for_load_state("load")
    assert not violations, violations
