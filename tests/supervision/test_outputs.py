"""The year's counts for the KPI reports (dashboard, CSV, XLSX) and media use from data."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Service
from core.usage import record_event
from reports.periods import current_fiscal_year

pytestmark = pytest.mark.django_db


def login(sv, person) -> Client:
    client = Client()
    client.force_login(sv["people"][person])
    return client


def test_the_kpi_counters_count_shared_records_only(sv):
    from reports.kpis import dashboard, refresh_snapshots
    from supervision import actions

    year = current_fiscal_year()
    actions.close_followup(sv["records"]["shared"].followups.get(), sv["people"]["a1"], "ทำแล้ว")
    codes = refresh_snapshots(year)
    assert {"supervision_schools", "supervision_average_level",
            "supervision_followups_closed"} <= set(codes)  # fmt: skip
    values = {s.kpi.code: s.value for s in dashboard(year)}
    assert values["supervision_schools"] == 2  # A and B; the draft adds nothing
    assert values["supervision_average_level"] == 3.0  # (4 + 2) per shared record
    assert values["supervision_followups_closed"] == 1
    page = login(sv, "admin").get(reverse("reports_dashboard"), {"fy": year}).content.decode()
    assert "โรงเรียนที่ได้รับการนิเทศ" in page


def test_counts_export_as_csv_and_xlsx_say_the_same(sv):
    from openpyxl import load_workbook

    client = login(sv, "s1")
    url = reverse("supervision:counts")
    raw = client.get(url, {"export": "csv", "table": "criteria"})
    assert raw.status_code == 200 and raw.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[0][1].startswith("ประเด็นการนิเทศ")
    assert [r[1:] for r in rows[1:]] == [["การใช้สื่อ", "2", "4.0"], ["การวัดผล", "2", "2.0"]]
    book = load_workbook(
        io.BytesIO(client.get(url, {"export": "xlsx", "table": "criteria"}).content)
    )
    sheet = list(book.active.values)
    assert [list(r[1:]) for r in sheet[2:]] == [["การใช้สื่อ", 2, 4], ["การวัดผล", 2, 2]]
    schools = client.get(url, {"export": "csv", "table": "schools"}).content.decode("utf-8-sig")
    assert "200000000" in schools and schools.count("\n") == 3  # heading and two schools
    assert client.get(url, {"export": "csv", "table": "nope"}).status_code == 404
    assert login(sv, "director").get(url).status_code == 404


def test_a_school_summary_exports_its_visits(sv):
    url = reverse("supervision:school", args=[sv["schools"]["A"].pk])
    response = login(sv, "director").get(url, {"export": "csv", "table": "visits"})
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "ครูเอ" in lines[1]  # the shared record only


def test_media_use_flags_schools_that_used_nothing_and_plans_a_visit(sv):
    from reports.aggregation import rebuild_all
    from supervision.models import PlanEntry
    from supervision.terms import current_term

    school_a, school_b = sv["schools"]["A"], sv["schools"]["B"]
    teacher = sv["people"]["a1"]
    student = sv["people"]["student"]
    from core.models import GradeLevel

    student.grade_level = GradeLevel.objects.get(code="ป.5")
    student.save()
    now = timezone.now() - dt.timedelta(minutes=5)
    for i in range(3):
        record_event(service=Service.MEDIA, action="view", user=teacher, time=now, key=f"t{i}")
        record_event(service=Service.MEDIA, action="view", user=student, time=now, key=f"s{i}")
    rebuild_all()
    client = login(sv, "s2")
    page = client.get(reverse("supervision:media_use"))
    rows = {r.school.code: r for r in page.context["rows"]}
    assert rows[school_a.code].uses == 6 and rows[school_a.code].teachers == 1
    assert rows[school_b.code].unused and page.context["rows"][0].school == school_b
    assert "data-unused" in page.content.decode()
    detail = client.get(reverse("supervision:media_school", args=[school_a.pk])).context["detail"]
    assert dict(detail["grades"]) == {"ป.5": 3} and detail["teachers"][0] == (teacher, 3)
    fiscal_year, term = current_term()
    response = client.post(
        reverse("supervision:plan_visit") + f"?fy={fiscal_year}&term={term}",
        {"school": school_b.pk},
    )
    entry = PlanEntry.objects.get(plan__supervisor=sv["people"]["s2"], school=school_b)
    assert response.status_code == 302 and response["Location"].endswith(f"/{entry.plan_id}/")
    client.post(reverse("supervision:plan_visit"), {"school": school_b.pk})  # again: no second row
    assert PlanEntry.objects.filter(plan__supervisor=sv["people"]["s2"]).count() == 1
    assert login(sv, "a1").post(reverse("supervision:plan_visit"), {"school": 1}).status_code == 404
    # The director sees their own school's figures only.
    director = login(sv, "director")
    assert [r.school for r in director.get(reverse("supervision:media_use")).context["rows"]] == [
        school_a
    ]
    assert director.get(reverse("supervision:media_school", args=[school_b.pk])).status_code == 404


def test_the_coverage_of_a_plan(sv):
    from supervision.models import PlanEntry
    from supervision.views.plans import coverage

    plan = sv["plan"]
    PlanEntry.objects.create(plan=plan, school=sv["schools"]["B"])
    assert {k: coverage(plan)[k] for k in ("planned", "visited", "percent")} == {
        "planned": 2, "visited": 1, "percent": 50,
    }  # fmt: skip
    page = login(sv, "s1").get(reverse("supervision:home")).content.decode()
    assert "1 / 2 (50%)" in page


def test_terms_split_the_fiscal_year_in_two():
    from supervision.terms import term_bounds, term_of

    assert term_bounds(2570, 1) == (dt.date(2026, 10, 1), dt.date(2027, 3, 31))
    assert term_bounds(2570, 2) == (dt.date(2027, 4, 1), dt.date(2027, 9, 30))
    assert term_of(dt.date(2026, 10, 1)) == (2570, 1)
    assert term_of(dt.date(2027, 3, 31)) == (2570, 1)
    assert term_of(dt.date(2027, 4, 1)) == (2570, 2)
    with pytest.raises(ValueError):
        term_bounds(2570, 3)
