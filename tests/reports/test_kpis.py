"""KPIs against hand counts, the plan's default targets and the counter registry."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.aggregation import aggregate_pending
from reports.kpis import (
    KPI_BY_CODE,
    dashboard,
    default_target,
    refresh_snapshots,
    set_target,
    targets_for,
)
from reports.models import KpiSnapshot, Survey, SurveyResponse
from reports.registry import CounterItem, CounterResult, Period, register_counter

from .conftest import bkk


def snapshot(year, code):
    return KpiSnapshot.objects.get(fiscal_year=year, code=code)


def test_plan_defaults_step_per_fiscal_year(settings):
    settings.KHLANG = {**settings.KHLANG, "REPORTS_PLAN_FIRST_FISCAL_YEAR": 2569}
    media = KPI_BY_CODE["media_titles"]
    assert [default_target(media, y) for y in (2568, 2569, 2570, 2571, 2575)] == [
        100,
        100,
        150,
        200,
        200,
    ]
    assert [
        default_target(KPI_BY_CODE["elearning_core_lessons"], y) for y in (2569, 2570, 2571)
    ] == [12, 36, 36]
    assert default_target(KPI_BY_CODE["exambank_core_items"], 2570) == 1200
    assert default_target(KPI_BY_CODE["training_courses"], 2569) == 3
    assert default_target(KPI_BY_CODE["tutor_subjects"], 2570) == 12
    assert default_target(KPI_BY_CODE["schools_using_media"], 2571) == 45
    assert default_target(KPI_BY_CODE["visits_media"], 2570) == 4000
    assert default_target(KPI_BY_CODE["satisfaction_high"], 2571) == 70


def test_targets_are_edited_per_fiscal_year(db):
    set_target(2570, "visits_media", 4500)
    assert targets_for(2570)["visits_media"] == 4500
    assert targets_for(2571)["visits_media"] == 5000  # other years keep the plan
    with pytest.raises(ValueError, match="unknown KPI"):
        set_target(2570, "no_such_kpi", 1)
    with pytest.raises(ValueError, match="negative"):
        set_target(2570, "visits_media", -1)


def test_usage_kpis_from_hand_counted_week(week):
    aggregate_pending()
    refresh_snapshots(2569)
    refresh_snapshots(2570)
    assert snapshot(2570, "visits_media").value == 5
    assert snapshot(2570, "visits_media").breakdown == {"central": 4, "m-1004": 1}
    assert snapshot(2569, "visits_media").value == 1
    assert snapshot(2570, "visits_elearning").value == 0  # a completion is not a visit
    schools = snapshot(2570, "schools_using_media")
    assert schools.value == 2
    assert sorted(i["label"] for i in schools.items) == ["บ้านสี่", "บ้านหนึ่ง"]
    assert snapshot(2569, "schools_using_media").value == 1


def test_satisfaction_share_at_high_or_above(schools, make_user):
    survey = Survey.objects.create(title="ความพึงพอใจศูนย์สื่อ", service="media")
    other = Survey.objects.create(title="อบรมครู", service="training")
    answers = [  # (survey, level, when): the first is in FY 2569
        (survey, 5, bkk(2026, 9, 30, 23, 59)),
        (survey, 5, bkk(2026, 10, 1, 0, 0)),
        (survey, 4, bkk(2026, 11, 1, 9, 0)),
        (survey, 3, bkk(2026, 12, 1, 9, 0)),
        (other, 2, bkk(2027, 1, 5, 9, 0)),
        (other, 4, bkk(2027, 9, 30, 23, 0)),
    ]
    for i, (s, level, when) in enumerate(answers):
        r = SurveyResponse.objects.create(survey=s, user=make_user(f"p{i}"), level=level)
        SurveyResponse.objects.filter(pk=r.pk).update(created_at=when)
    refresh_snapshots(2570)
    refresh_snapshots(2569)
    # FY 2570: levels 5, 4, 3, 2, 4 -> 3 of 5 at "มาก" or above
    assert snapshot(2570, "satisfaction_high").value == 60.0
    assert snapshot(2570, "satisfaction_high").breakdown == {
        "ความพึงพอใจศูนย์สื่อ": 66.7,
        "อบรมครู": 50.0,
    }
    assert snapshot(2569, "satisfaction_high").value == 100.0


def test_counters_registered_by_other_apps_feed_the_dashboard(db, clean_registry):
    """How media_center, lms and exambank plug in: a counter in their kpi.py."""
    seen = []
    clean_registry.unregister_counter("media_titles")  # the app's own counter, if installed
    clean_registry.unregister_counter("tutor_subjects")

    @register_counter("media_titles")
    def count_titles(period: Period) -> CounterResult:
        seen.append(period)
        return CounterResult(
            7,
            {"ค": 3, "ว": 4},
            [CounterItem("เศษส่วน", "/media/1/", "ค"), CounterItem("แรง", "", "ว")],
        )

    refresh_snapshots(2570)
    assert seen == [Period(2570, dt.date(2026, 10, 1), dt.date(2027, 9, 30))]
    status = {s.kpi.code: s for s in dashboard(2570)}
    assert status["media_titles"].value == 7
    assert status["media_titles"].target == 150
    assert not status["media_titles"].met
    assert status["tutor_subjects"].value is None  # nobody counts it here
    assert snapshot(2570, "media_titles").items[0] == {
        "label": "เศษส่วน",
        "url": "/media/1/",
        "group": "ค",
        "detail": "",
    }
    with pytest.raises(ValueError, match="already registered"):
        register_counter("media_titles")(lambda period: CounterResult(0))


def test_dimensions_come_from_the_owning_app(week, clean_registry):
    from core.models import GradeLevel, SubjectGroup
    from reports.models import DimensionUsage, PeriodKind, ReportObject
    from reports.registry import ObjectInfo, register_dimensions

    maths, science = SubjectGroup.objects.get(code="ค"), SubjectGroup.objects.get(code="ว")
    p1 = GradeLevel.objects.get(code="ป.1")
    register_dimensions(
        "media_center.mediaitem",
        lambda ids: {
            "1": ObjectInfo("เศษส่วน", "/media/1/", maths.pk, (p1.pk,)),
            "2": ObjectInfo("แรงและการเคลื่อนที่", "/media/2/", science.pk),
        },
    )
    aggregate_pending()
    fy = dict(
        DimensionUsage.objects.filter(kind=PeriodKind.FISCAL_YEAR, start=dt.date(2026, 10, 1),
                                      dimension="subject_group").values_list("value", "views")
    )  # fmt: skip
    assert fy == {maths.pk: 3, science.pk: 2}
    grade = DimensionUsage.objects.get(kind=PeriodKind.FISCAL_YEAR, start=dt.date(2026, 10, 1),
                                       dimension="grade_level")  # fmt: skip
    assert (grade.value, grade.views, grade.seconds) == (p1.pk, 3, 60)
    assert ReportObject.objects.get(object_id="2").label == "แรงและการเคลื่อนที่"
    lesson = ReportObject.objects.get(object_type="lms.lesson")
    assert not lesson.resolved  # asked again once lms describes its lessons
