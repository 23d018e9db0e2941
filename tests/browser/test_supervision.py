"""Supervision end to end: the area builds a rubric and a plan in the admin; a
supervisor records an online visit with a recorded lesson as evidence; the teacher
replies and closes a follow-up; the record's PDF shows its Thai as a page."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse

from core import roles
from tests.conftest import ensure_base_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-1234"


def _login(page, base: str, username: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{then}")


def _choose(page, field: str, text: str) -> None:
    """Pick ``text`` in the admin's chooser of ``field`` (a snippet or model chooser)."""
    page.locator(f"#{field}-chooser [data-chooser-action-choose]").first.click()
    page.locator(".modal a", has_text=text).first.click()
    page.locator(".modal").first.wait_for(state="hidden")


def _pick(page, field: str, text: str) -> None:
    """A select or a chooser, whichever the admin draws for the field."""
    if page.locator(f"select#{field}").count():
        value = page.locator(f"select#{field} option", has_text=text).first.get_attribute("value")
        page.select_option(f"select#{field}", value)
    else:
        _choose(page, field, text)


def _save(page) -> None:
    page.locator("form button[type=submit]", has_text=re.compile("บันทึก|Save")).first.click()
    page.wait_for_load_state()
    page.locator(".messages .success, [data-w-messages-target] .success").first.wait_for()


@pytest.fixture
def people(school, make_user):
    ensure_base_data()
    return {
        "admin": make_user("area1", roles.AREA_ADMIN, is_staff=True, is_superuser=True),
        "supervisor": make_user("sn1", roles.SUPERVISOR, first_name="สมใจ", last_name="นิเทศ"),
        "teacher": make_user("kru1", roles.TEACHER, school=school, first_name="มาลี", last_name="สอนดี"),
    }  # fmt: skip


def test_an_area_admin_builds_a_rubric_and_a_plan(page, live_server, school, people):
    from supervision.models import Plan, Rubric
    from supervision.terms import current_term

    base = live_server.url
    _login(page, base, "area1", reverse("wagtailsnippets_supervision_rubric:add"))
    page.fill("#id_title", "แบบนิเทศการใช้สื่อ")
    for i, (title, low, high) in enumerate(
        [("การใช้สื่อในชั้นเรียน", "ไม่ใช้สื่อ", "นักเรียนใช้สื่อเอง"), ("การวัดผล", "ไม่วัดผล", "ปรับสอนจากผล")]
    ):
        page.locator("#id_criteria-ADD").click()
        page.fill(f"#id_criteria-{i}-title", title)
        page.fill(f"#id_criteria-{i}-level_1", low)
        page.fill(f"#id_criteria-{i}-level_5", high)
    _save(page)
    rubric = Rubric.objects.get(title="แบบนิเทศการใช้สื่อ")
    assert list(rubric.criteria.order_by("sort_order").values_list("title", "level_5")) == [
        ("การใช้สื่อในชั้นเรียน", "นักเรียนใช้สื่อเอง"),
        ("การวัดผล", "ปรับสอนจากผล"),
    ]
    fiscal_year, term = current_term()
    page.goto(base + reverse("wagtailsnippets_supervision_plan:add"))
    page.fill("#id_fiscal_year", str(fiscal_year))
    page.select_option("#id_term", str(term))
    _pick(page, "id_supervisor", "sn1")
    _pick(page, "id_rubric", "แบบนิเทศการใช้สื่อ")
    page.locator("#id_entries-ADD").click()
    _pick(page, "id_entries-0-school", school.name)
    _pick(page, "id_entries-0-teacher", "kru1")
    _save(page)
    plan = Plan.objects.get(supervisor=people["supervisor"], fiscal_year=fiscal_year, term=term)
    assert plan.rubric == rubric
    assert list(plan.entries.values_list("school", "teacher")) == [
        (school.pk, people["teacher"].pk)
    ]
    # The supervisor finds the plan and its coverage on their supervision page.
    _login(page, base, "sn1", reverse("supervision:home"))
    assert page.locator("[data-plans] [data-coverage]").inner_text().startswith("0 / 1")


def test_a_supervisor_records_an_online_visit_and_the_teacher_answers(
    page, live_server, school, people, tmp_path
):
    from media_center.models import MediaItem, Status, Visibility
    from notifications.models import Notification
    from supervision import demo
    from supervision.models import Observation, Plan, PlanEntry
    from supervision.terms import current_term

    rubric = demo.build_rubric()
    fiscal_year, term = current_term()
    plan = Plan.objects.create(
        supervisor=people["supervisor"], fiscal_year=fiscal_year, term=term, rubric=rubric
    )
    entry = PlanEntry.objects.create(plan=plan, school=school, teacher=people["teacher"])
    lesson = MediaItem.objects.create(
        title="คลิปการสอนเรื่องเศษส่วน", type="video", licence="cc-by", copyright_holder="สพป.",
        owner_school=school, visibility=Visibility.SCHOOL, status=Status.READY,
        uploaded_by_user=people["teacher"],
    )  # fmt: skip
    base = live_server.url

    # The supervisor: from the plan to an online record, rubric filled, shared.
    _login(page, base, "sn1", reverse("supervision:plan", args=[plan.pk]))
    page.locator(f'a[href$="?entry={entry.pk}"]').click()
    page.locator("input[name=mode][value=online]").check()
    page.fill("input[name=subject]", "คณิตศาสตร์ เศษส่วน")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url("**/assess/")
    criteria = page.locator("fieldset.criterion")
    assert criteria.count() == len(demo.CRITERIA)
    for i in range(criteria.count()):
        criteria.nth(i).locator("input[type=radio][value='4']").check()
    page.fill("input[name=action_1]", "ให้นักเรียนทำแบบฝึกหัดออนไลน์ท้ายคาบ")
    page.fill("input[name=due_1]", "2030-01-31")
    page.locator("button[name=share]").click()
    page.wait_for_url(re.compile(r".*/supervision/records/\d+/$"))
    record = Observation.objects.get()
    assert record.mode == "online" and record.status == "shared"
    page.locator("[data-add-evidence] summary").click()
    page.select_option("select[data-media-choice]", str(lesson.pk))
    page.locator("[data-add-evidence] button[value=media]").click()
    page.wait_for_load_state()
    link = page.locator("[data-evidence] a", has_text="คลิปการสอนเรื่องเศษส่วน")
    assert link.get_attribute("href") == reverse("media_center:detail", args=[lesson.pk])

    # The teacher: told in the header, reads the record, replies, closes the follow-up.
    _login(page, base, "kru1", "/lms/my/")
    assert page.locator("[data-nav=notifications] .count").inner_text() == "1"
    page.locator("[data-nav=supervision]").click()
    page.locator("[data-records] a").first.click()
    page.fill("textarea[name=body]", "ขอบคุณค่ะ จะลองใช้แบบฝึกหัดออนไลน์")
    page.locator("form[action$='/reply/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert "จะลองใช้แบบฝึกหัดออนไลน์" in page.locator("[data-thread]").inner_text()
    done = page.locator("[data-followups] form.done-form")
    done.locator("textarea[name=note]").fill("ใช้กับ ป.5 แล้ว 2 คาบ")
    done.locator("select[name=media]").select_option(str(lesson.pk))
    done.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-followups] [data-done]").count() == 1
    followup = record.followups.get()
    assert followup.is_done and followup.done_evidence.title == "คลิปการสอนเรื่องเศษส่วน"
    told = Notification.objects.filter(user=people["supervisor"]).values_list("title", flat=True)
    assert len(told) == 2  # the reply and the follow-up

    # The PDF, as a page: Thai text that round-trips and ink on the paper.
    response = page.request.get(base + reverse("supervision:pdf", args=[record.pk]))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(response.body())
    _assert_thai_page(pdf, tmp_path)


def _assert_thai_page(pdf, tmp_path) -> None:
    from PIL import Image

    from tests.supervision.test_conversation import skeleton

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("แบบบันทึกการนิเทศ กำกับ ติดตามและประเมินผล", "มาลี สอนดี", "ลงชื่อ"):
        assert skeleton(words) in skeleton(text), words
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = image.size
    dark = sum(image.histogram()[:128])
    assert width < height and dark > 0.005 * width * height  # an A4 page with text on it
    # The title line (top tenth of the page) carries ink across its middle.
    title = image.crop((0, 0, width, height // 10))
    columns = [
        x for x in range(width) if any(title.getpixel((x, y)) < 128 for y in range(title.height))
    ]
    assert columns and min(columns) < width / 3 and max(columns) > 2 * width / 3
