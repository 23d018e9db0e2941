"""A little usage history for the demo, so `make run` opens reports with figures in them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import School, Service, User
from core.usage import record_event

from .aggregation import aggregate_pending
from .kpis import refresh_snapshots
from .models import Survey, SurveyResponse
from .periods import current_fiscal_year

DAYS = 60


def load_reports_demo() -> None:
    """Deterministic events (fixed keys, so loading twice adds nothing), one survey, figures."""
    schools = list(School.objects.order_by("code")[:6])
    people = list(User.objects.filter(username__in=["teacher", "student"]))
    services = [Service.MEDIA, Service.MEDIA, Service.ELEARNING, Service.EXAMBANK, Service.TUTOR]
    today = timezone.localdate()
    for day in range(DAYS):
        when = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=day), dt.time(10)))
        for i, school in enumerate(schools[: 1 + day % len(schools)] if schools else []):
            record_event(
                service=services[(day + i) % len(services)],
                action="view",
                school_id=school.pk,
                user=people[(day + i) % len(people)] if people else None,
                seconds=60.0 * (1 + i),
                time=when + dt.timedelta(minutes=i),
                key=f"demo:{day}:{i}",
                site="central" if i % 3 else f"mirror-{school.code}",
            )
    survey, _ = Survey.objects.get_or_create(
        title="ความพึงพอใจต่อศูนย์รวมสื่อการเรียนรู้", defaults={"service": Service.MEDIA}
    )
    for person, level, comment in zip(
        people, [5, 3], ["ใช้งานง่าย", "อยากให้มีสื่อ ป.5 เพิ่ม"], strict=False
    ):
        SurveyResponse.objects.get_or_create(
            survey=survey, user=person, defaults={"level": level, "comment": comment}
        )
    aggregate_pending()
    refresh_snapshots(current_fiscal_year())


# Found by core.demo.load_demo: this app's place among the apps, then its loader.
DEMO_ORDER = 30
load_demo_content = load_reports_demo
