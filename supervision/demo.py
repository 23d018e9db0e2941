"""Demo supervision for `make run`: focus areas, a rubric, this term's plan, one record."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import School, User

from . import actions
from .models import Criterion, FocusArea, Plan, PlanEntry, Rubric
from .terms import current_term, term_bounds

DEMO_ORDER = 60  # after the reports' usage history, so media use has figures

FOCUS_AREAS = [
    ("media", "การใช้สื่อการเรียนรู้"),
    ("elearning", "การจัดการเรียนรู้ e-Learning"),
    ("exambank", "การใช้คลังข้อสอบ"),
    ("reading", "การอ่านออกเขียนได้"),
]

CRITERIA = [
    ("การวางแผนการจัดการเรียนรู้",
     ["ไม่มีแผน", "มีแผนแต่ไม่สอดคล้องตัวชี้วัด", "แผนสอดคล้องตัวชี้วัด",
      "แผนสอดคล้องและมีการวัดผลชัดเจน", "แผนครบถ้วนและปรับตามผู้เรียน"]),
    ("การใช้สื่อและเทคโนโลยี",
     ["ไม่ใช้สื่อ", "ใช้สื่อน้อย", "ใช้สื่อเหมาะสมบางช่วง",
      "ใช้สื่อเหมาะสมตลอดคาบ", "ผู้เรียนใช้สื่อสร้างความรู้เอง"]),
    ("การมีส่วนร่วมของผู้เรียน",
     ["ผู้เรียนฟังอย่างเดียว", "ผู้เรียนตอบคำถามบ้าง", "ผู้เรียนทำกิจกรรมกลุ่ม",
      "ผู้เรียนอภิปรายและนำเสนอ", "ผู้เรียนตั้งคำถามและค้นคว้าเอง"]),
    ("การวัดและประเมินผล",
     ["ไม่มีการวัดผล", "วัดผลปลายคาบเท่านั้น", "วัดผลระหว่างเรียน",
      "ใช้ผลการวัดปรับการสอน", "ให้ข้อมูลย้อนกลับรายบุคคล"]),
]  # fmt: skip


def build_rubric() -> Rubric:
    rubric = Rubric.objects.filter(title="แบบนิเทศการจัดการเรียนรู้และการใช้สื่อ").first()
    if rubric:
        return rubric
    rubric = Rubric.objects.create(
        title="แบบนิเทศการจัดการเรียนรู้และการใช้สื่อ",
        description="เกณฑ์ระดับคุณภาพ 1–5 ของเขตพื้นที่",
    )
    for order, (title, levels) in enumerate(CRITERIA):
        Criterion.objects.create(
            rubric=rubric,
            sort_order=order,
            title=title,
            **{f"level_{n}": text for n, text in enumerate(levels, start=1)},
        )
    return rubric


def load_demo_content() -> None:
    for order, (code, name) in enumerate(FOCUS_AREAS):
        FocusArea.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    rubric = build_rubric()
    supervisor = User.objects.filter(username="supervisor").first()
    teacher = User.objects.filter(username="teacher").select_related("school").first()
    if supervisor is None or teacher is None or teacher.school is None:
        return
    fiscal_year, term = current_term()
    plan, created = Plan.objects.get_or_create(
        supervisor=supervisor, fiscal_year=fiscal_year, term=term, defaults={"rubric": rubric}
    )
    if not created:
        return
    plan.focus_areas.set(FocusArea.objects.filter(code__in=["media", "elearning"]))
    PlanEntry.objects.create(plan=plan, school=teacher.school, teacher=teacher)
    for school in School.objects.exclude(pk=teacher.school_id).order_by("code")[:4]:
        PlanEntry.objects.create(plan=plan, school=school)
    start, _end = term_bounds(fiscal_year, term)
    visited = max(start, timezone.localdate() - dt.timedelta(days=7))
    record = actions.create_observation(
        supervisor=supervisor,
        school=teacher.school,
        teacher=teacher,
        rubric=rubric,
        plan=plan,
        mode="online",
        visited_on=visited,
        subject="คณิตศาสตร์ เรื่องเศษส่วน",
    )
    criteria = list(rubric.criteria.order_by("sort_order"))
    actions.save_assessment(
        record,
        levels={c.pk: (3 + i % 2, "") for i, c in enumerate(criteria)},
        strengths="ใช้วิดีโอจากคลังสื่อนำเข้าสู่บทเรียนได้ดี",
        suggestions="ให้นักเรียนได้ทำแบบฝึกหัดออนไลน์ท้ายคาบ",
        followups=[("ทดลองใช้แบบทดสอบจากคลังข้อสอบกับ ป.5", visited + dt.timedelta(days=30))],
    )
    actions.share_observation(record)
