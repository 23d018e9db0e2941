"""The KPIs of the area plan, their default targets, and their yearly snapshots.

A KPI here says *what* is measured and the plan's targets; the number itself
comes from the counter of the same code in reports.registry, registered by the
app that owns the data (see README, "Reports: adding a KPI counter").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy

from core.i18n import bilingual_lazy
from core.models import Service

from .conf import reports_settings
from .models import KpiSnapshot, KpiTarget
from .registry import Period, get_counter


@dataclass(frozen=True)
class Kpi:
    code: str
    label: str  # Thai first, English after a slash
    unit: str
    plan: tuple[float, ...]  # default targets, from the plan's first fiscal year on
    owner: str  # the app expected to register the counter
    percent: bool = False


VISIT_SERVICES = [
    Service.MEDIA,
    Service.ELEARNING,
    Service.TUTOR,
    Service.TRAINING,
    Service.EXAMBANK,
]

KPIS: list[Kpi] = [
    Kpi("media_titles", bilingual_lazy("Learning media titles by subject group"),
        gettext_lazy("titles"), (100, 150, 200), "media_center"),
    Kpi("elearning_core_lessons",
        bilingual_lazy("e-Learning lessons, 5 core subject groups"),
        gettext_lazy("lessons"), (12, 36), "lms"),
    Kpi("exambank_core_items", bilingual_lazy("Exam-bank items, 5 core subject groups"),
        gettext_lazy("items"), (600, 1200), "exambank"),
    Kpi("training_courses", bilingual_lazy("Training Online courses for teachers"),
        gettext_lazy("courses"), (3, 6), "lms"),
    Kpi("tutor_subjects", bilingual_lazy("Tutor Online subjects for students"),
        gettext_lazy("subjects"), (6, 12), "lms"),
    Kpi("schools_using_media", bilingual_lazy("Schools using the media"),
        gettext_lazy("schools"), (20, 30, 45), "reports"),
    *[
        Kpi(f"visits_{service.value}", bilingual_lazy("Visits: %(service)s", service=service.label),
            gettext_lazy("visits"), (3000, 4000, 5000), "reports")
        for service in VISIT_SERVICES
    ],
    Kpi("satisfaction_high", bilingual_lazy("Satisfaction at high or above"),
        "%", (70,), "reports", percent=True),
    Kpi("live_schools", bilingual_lazy("Schools following live distance-learning classes"),
        gettext_lazy("schools"), (20, 30, 45), "live"),
    Kpi("supervision_schools", bilingual_lazy("Schools supervised"),
        gettext_lazy("schools"), (60, 90, 120), "supervision"),
    Kpi("supervision_average_level", bilingual_lazy("Average rubric level in supervision"),
        gettext_lazy("level (1–5)"), (3.0, 3.5), "supervision"),
    Kpi("supervision_followups_closed", bilingual_lazy("Supervision follow-ups closed"),
        gettext_lazy("follow-ups"), (100, 200), "supervision"),
]  # fmt: skip
KPI_BY_CODE = {kpi.code: kpi for kpi in KPIS}


def default_target(kpi: Kpi, fiscal_year: int) -> float:
    """The plan's step for ``fiscal_year``; before the plan its first, after it its last."""
    step = fiscal_year - reports_settings.REPORTS_PLAN_FIRST_FISCAL_YEAR
    return float(kpi.plan[min(max(step, 0), len(kpi.plan) - 1)])


def targets_for(fiscal_year: int) -> dict[str, float]:
    saved = dict(KpiTarget.objects.filter(fiscal_year=fiscal_year).values_list("code", "target"))
    return {kpi.code: saved.get(kpi.code, default_target(kpi, fiscal_year)) for kpi in KPIS}


def set_target(fiscal_year: int, code: str, target: float, user=None) -> KpiTarget:
    """Named action: an area admin changes one target of one fiscal year."""
    if code not in KPI_BY_CODE:
        raise ValueError(bilingual_lazy("unknown KPI: %(code)r", code=code))
    if target < 0:
        raise ValueError(bilingual_lazy("a target cannot be negative"))
    row, _ = KpiTarget.objects.update_or_create(
        fiscal_year=fiscal_year, code=code, defaults={"target": target, "updated_by": user}
    )
    return row


def refresh_snapshots(fiscal_year: int) -> list[str]:
    """Run every registered counter for the year and store its result; returns the codes."""
    period = Period.for_fiscal_year(fiscal_year)
    done = []
    for kpi in KPIS:
        counter = get_counter(kpi.code)
        if counter is None:
            continue
        result = counter(period)
        with transaction.atomic():
            KpiSnapshot.objects.update_or_create(
                fiscal_year=fiscal_year,
                code=kpi.code,
                defaults={
                    "value": float(result.value),
                    "breakdown": {str(k): v for k, v in result.breakdown.items()},
                    "items": [
                        {"label": i.label, "url": i.url, "group": i.group, "detail": i.detail}
                        for i in result.items
                    ],
                },
            )
        done.append(kpi.code)
    return done


@dataclass(frozen=True)
class KpiStatus:
    kpi: Kpi
    target: float
    value: float | None  # None: no app counts it yet
    computed_at: object = None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.target:
            return None
        return self.value / self.target

    @property
    def met(self) -> bool:
        return self.value is not None and self.value >= self.target


def dashboard(fiscal_year: int) -> list[KpiStatus]:
    """Actual vs target of every KPI, read from the snapshots (no counting here)."""
    targets = targets_for(fiscal_year)
    snaps = {s.code: s for s in KpiSnapshot.objects.filter(fiscal_year=fiscal_year)}
    return [
        KpiStatus(
            kpi,
            targets[kpi.code],
            snaps[kpi.code].value if kpi.code in snaps else None,
            snaps[kpi.code].computed_at if kpi.code in snaps else None,
        )
        for kpi in KPIS
    ]
