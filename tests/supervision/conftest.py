"""A small area for supervision: two schools, one person per part, records in each."""

from __future__ import annotations

import datetime as dt

import pytest

from core import roles


@pytest.fixture
def rubric(db):
    from supervision.models import Criterion, Rubric

    made = Rubric.objects.create(title="แบบนิเทศทดสอบ")
    for order, title in enumerate(["การใช้สื่อ", "การวัดผล"]):
        Criterion.objects.create(
            rubric=made, sort_order=order, title=title, level_1="ต้องปรับปรุง", level_5="ดีเยี่ยม"
        )
    return made


@pytest.fixture
def sv(area, make_user, rubric):
    """People, a plan of supervisor s1 covering school A, and records:
    shared (A, teacher a1), draft (A, teacher a1), shared (B, teacher b1, by s2)."""
    from core.models import School
    from supervision import actions
    from supervision.models import Plan, PlanEntry
    from supervision.terms import current_term

    network = area.networks.create(name="เครือข่ายนิเทศ")
    schools = {
        key: School.objects.create(
            code=f"20000000{i}", name=f"โรงเรียน{key}", network=network, district="เมือง"
        )
        for i, key in enumerate("AB")
    }
    people = {
        "a1": make_user("a1", roles.TEACHER, school=schools["A"], first_name="ครูเอ"),
        "a2": make_user("a2", roles.TEACHER, school=schools["A"]),
        "b1": make_user("b1", roles.TEACHER, school=schools["B"]),
        "director": make_user("dirA", roles.SCHOOL_ADMIN, school=schools["A"]),
        "student": make_user("stuA", roles.STUDENT, school=schools["A"]),
        "s1": make_user("s1", roles.SUPERVISOR, first_name="นิเทศ", last_name="หนึ่ง"),
        "s2": make_user("s2", roles.SUPERVISOR),
        "admin": make_user("area", roles.AREA_ADMIN),
    }
    fiscal_year, term = current_term()
    plan = Plan.objects.create(
        supervisor=people["s1"], fiscal_year=fiscal_year, term=term, rubric=rubric
    )
    PlanEntry.objects.create(plan=plan, school=schools["A"], teacher=people["a1"])
    today = dt.date.today()

    def record(school, teacher, supervisor, share=True):
        made = actions.create_observation(
            supervisor=supervisor, school=school, teacher=teacher, rubric=rubric,
            plan=plan if supervisor == people["s1"] else None, visited_on=today,
        )  # fmt: skip
        criteria = list(rubric.criteria.order_by("sort_order"))
        actions.save_assessment(
            made,
            levels={criteria[0].pk: (4, ""), criteria[1].pk: (2, "ยังไม่วัดผลระหว่างเรียน")},
            strengths="ใช้สื่อดี",
            suggestions="เพิ่มการวัดผล",
            followups=[("ใช้แบบทดสอบท้ายคาบ", today + dt.timedelta(days=14))],
        )
        if share:
            actions.share_observation(made)
        return made

    records = {
        "shared": record(schools["A"], people["a1"], people["s1"]),
        "draft": record(schools["A"], people["a1"], people["s1"], share=False),
        "other": record(schools["B"], people["b1"], people["s2"]),
    }
    return {"schools": schools, "people": people, "plan": plan, "records": records}
