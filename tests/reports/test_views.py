"""Pages: who may see what, exports of every table, the annual PDF, surveys, targets."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zlib

import pytest
from openpyxl import load_workbook

from core import roles
from reports.aggregation import aggregate_pending
from reports.kpis import refresh_snapshots
from reports.models import KpiTarget, Survey, SurveyResponse

PAGES = ["/reports/", "/reports/usage/", "/reports/schools/", "/reports/adoption/",
         "/reports/objects/", "/reports/kpi/visits_media/"]  # fmt: skip


@pytest.fixture
def figures(week):
    aggregate_pending()
    refresh_snapshots(2570)
    return week


@pytest.fixture
def supervisor(make_user):
    return make_user("nithet", roles.SUPERVISOR)


@pytest.mark.parametrize("url", PAGES)
def test_area_pages_need_a_supervisor_or_area_admin(client, make_user, db, url):
    assert client.get(url).status_code == 302  # to the login page
    for role in (roles.STUDENT, roles.TEACHER, roles.SCHOOL_ADMIN):
        make_user(f"x-{role}", role)
        client.login(username=f"x-{role}", password="pass-1234")
        assert client.get(url).status_code == 403, role
    make_user("area", roles.AREA_ADMIN)
    client.login(username="area", password="pass-1234")
    assert client.get(url).status_code == 200


def test_dashboard_shows_actual_against_target(client, figures, supervisor):
    client.force_login(supervisor)
    page = client.get("/reports/?fy=2570").content.decode()
    assert "<svg" in page and "% of target" in page
    assert "ปีงบประมาณ" in page or "fiscal year" in page
    assert "/reports/kpi/visits_media/?fy=2570" in page  # drill-down
    detail = client.get("/reports/kpi/schools_using_media/?fy=2570").content.decode()
    assert "บ้านหนึ่ง" in detail and "บ้านสี่" in detail and "บ้านสอง" not in detail


def test_pages_read_aggregates_only(client, figures, supervisor):
    from core.models import UsageEvent

    client.force_login(supervisor)
    UsageEvent.objects.all().delete()  # raw events gone: the pages must not notice
    page = client.get("/reports/usage/?fy=2570").content.decode()
    assert "m-1004" in page


def test_every_table_exports_as_csv_and_xlsx(client, figures, supervisor):
    client.force_login(supervisor)
    response = client.get("/reports/usage/?fy=2570&export=csv&table=services")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    media = next(r for r in rows if r[0].startswith("ศูนย์รวมสื่อ"))
    assert media[1] == "5" and media[4] == "3"  # visits, unique users
    response = client.get("/reports/schools/?fy=2570&export=xlsx&table=networks")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["เครือข่ายเหนือ", 3, 3, 3, 2] in values
    for url in PAGES:
        page = client.get(url + "?fy=2570").content.decode()
        for slug in re.findall(r"export=csv&amp;table=([\w-]+)", page):
            for fmt in ("csv", "xlsx"):
                got = client.get(f"{url}?fy=2570&export={fmt}&table={slug}")
                assert got.status_code == 200, (url, slug, fmt)
    assert client.get("/reports/usage/?export=csv&table=nope").status_code == 404


def test_annual_summary_pdf_embeds_a_thai_font(client, figures, supervisor):
    client.force_login(supervisor)
    response = client.get("/reports/annual/2570.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    body = _inflate(response.content)
    assert b"/FontFile" in body  # fonts are embedded, not left to the reader
    fonts = set(re.findall(rb"/BaseFont\s*/\w+\+(\w+)", body))
    assert fonts & {b"Laksaman", b"Garuda", b"Loma"}, fonts  # Thai text drawn in a Thai font


def test_annual_pdf_prints_the_chart_labels_as_text(client, figures, supervisor):
    from bench import _pdf_quality as q
    from reports.kpis import dashboard

    client.force_login(supervisor)
    pdf = client.get("/reports/annual/2570.pdf").content
    text = q.pdf_text(pdf)
    labels = [s.kpi.label.split(" / ")[0] for s in dashboard(2570) if s.ratio is not None]
    assert labels

    def skeleton(value: str) -> str:
        # Letters without their marks: with Laksaman, WeasyPrint's text layer gives
        # a lower vowel under a tone mark back as the tone mark (รู้ reads ร้้), so
        # the marks are checked on the rasterised page (test_pdf_chart), not here.
        return "".join(c for c in q.letters(value) if unicodedata.category(c) != "Mn")

    for label in labels:
        assert skeleton(label) in skeleton(text), label


def _inflate(pdf: bytes) -> bytes:
    """The PDF with its compressed streams opened, to read object dictionaries."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_teacher_sees_only_their_class(client, schools, make_user, add_event, clean_registry):
    from core.models import GradeLevel
    from reports.registry import register_class_members

    p5 = GradeLevel.objects.get(code="ป.5")
    a, b = schools[0], schools[1]
    teacher = make_user("khru", roles.TEACHER, school=a, grade_level=p5, classroom="1")
    mine = make_user("mine", roles.STUDENT, school=a, grade_level=p5, classroom="1")
    other_room = make_user("otherroom", roles.STUDENT, school=a, grade_level=p5, classroom="2")
    enrolled = make_user("enrolled", roles.STUDENT, school=b)
    stranger = make_user("stranger", roles.STUDENT, school=b)
    from .conftest import bkk

    for u in (teacher, mine, other_room, enrolled, stranger):
        add_event(bkk(2026, 10, 5, 9, 0), "site", "login", user=u, school=u.school, obj=None)
    aggregate_pending()
    register_class_members(lambda t: [enrolled.pk] if t.pk == teacher.pk else [])
    client.force_login(teacher)
    page = client.get("/reports/people/?fy=2570").content.decode()
    assert "mine" in page and "enrolled" in page and "khru" in page
    assert "otherroom" not in page and "stranger" not in page
    admin_b = make_user("admin-b", roles.SCHOOL_ADMIN, school=b)
    client.force_login(admin_b)
    page = client.get("/reports/people/?fy=2570").content.decode()
    assert "enrolled" in page and "stranger" in page and "mine" not in page
    client.force_login(make_user("sup", roles.SUPERVISOR))
    page = client.get("/reports/people/?fy=2570&export=csv&table=people").content.decode(
        "utf-8-sig"
    )
    assert {"khru", "mine", "otherroom", "enrolled", "stranger"} <= set(page.split(","))
    student = make_user("nakrian", roles.STUDENT, school=a)
    client.force_login(student)
    assert "mine" not in client.get("/reports/people/?fy=2570").content.decode()


def test_only_area_admins_edit_targets(client, make_user, supervisor):
    client.force_login(supervisor)
    assert client.get("/reports/targets/?fy=2570").status_code == 403
    admin = make_user("area", roles.AREA_ADMIN)
    client.force_login(admin)
    form = client.get("/reports/targets/?fy=2570")
    assert form.status_code == 200 and "150" in form.content.decode()
    data = {code: "1" for code in form.context["form"].fields}
    data["visits_media"] = "4321"
    assert client.post("/reports/targets/?fy=2570", data).status_code == 302
    assert KpiTarget.objects.get(fiscal_year=2570, code="visits_media").target == 4321
    data["satisfaction_high"] = "120"  # a share above 100 % is refused
    response = client.post("/reports/targets/?fy=2570", data)
    assert response.status_code == 200
    assert KpiTarget.objects.get(fiscal_year=2570, code="satisfaction_high").target == 1


def test_one_response_per_person_per_survey(client, make_user, supervisor):
    from django.db import IntegrityError, transaction

    survey = Survey.objects.create(title="พึงพอใจบทเรียน", service="elearning")
    student = make_user("nakrian", roles.STUDENT)
    client.force_login(student)
    url = f"/reports/surveys/{survey.pk}/"
    assert client.post(url, {"level": "4", "comment": "ดีมาก"}).status_code == 302
    assert client.post(url, {"level": "1", "comment": "เปลี่ยนใจ"}).status_code == 302
    assert list(SurveyResponse.objects.values_list("level", "comment")) == [(4, "ดีมาก")]
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, user=student, level=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, user=supervisor, level=9)
    client.force_login(supervisor)
    page = client.get(f"/reports/surveys/{survey.pk}/results/").content.decode()
    assert "100.0%" in page and "ดีมาก" in page


def test_survey_attached_to_any_object(db, schools):
    from django.contrib.contenttypes.models import ContentType

    school = schools[0]
    survey = Survey.objects.create(
        title="ความพึงพอใจต่อโรงเรียนเครือข่าย",
        content_type=ContentType.objects.get_for_model(school),
        object_id=str(school.pk),
    )
    assert survey.target == school


def test_demo_opens_with_figures(client, demo_site):
    from core.demo import DEMO_PASSWORD
    from core.models import UsageEvent
    from reports.demo import load_reports_demo
    from reports.models import KpiSnapshot

    assert KpiSnapshot.objects.get(code="visits_media").value > 0
    assert client.login(username="supervisor", password=DEMO_PASSWORD)
    assert client.get("/reports/").status_code == 200
    events = UsageEvent.objects.count()
    assert events > 0
    load_reports_demo()  # deterministic keys: a second load adds nothing
    assert UsageEvent.objects.count() == events


def test_area_admin_adds_a_survey_in_wagtail_admin(client, make_user):
    admin = make_user("area", roles.AREA_ADMIN)
    client.force_login(admin)
    assert "/reports/" in client.get("/admin/").content.decode()
    response = client.post(
        "/admin/snippets/reports/survey/add/",
        {"title": "พึงพอใจการอบรมครู", "question": "พึงพอใจระดับใด", "service": "training",
         "site": "", "object_id": "", "content_type": "", "is_open": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Survey.objects.get().service == "training"
    supervisor = make_user("sup", roles.SUPERVISOR)
    client.force_login(supervisor)
    assert client.get("/admin/snippets/reports/survey/add/").status_code in (302, 403)


def test_daily_visits_and_unique_users(client, figures, supervisor):
    client.force_login(supervisor)
    got = client.get("/reports/usage/?fy=2570&month=2026-10-01&export=csv&table=daily")
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[1] == ["1 ต.ค. 2569", "2", "3"]  # e2, e3 views; u1 u2 u3 (u3 completed a lesson)
    assert rows[2] == ["2 ต.ค. 2569", "3", "2"]
    assert len(rows) == 1 + 31
