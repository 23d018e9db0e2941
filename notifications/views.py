from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.thaidate import be_year

from . import actions
from .due import due_items, month_bounds, month_grid
from .models import Notification

UPCOMING_DAYS = 30


@login_required
def notification_list(request):
    """The user's own notifications, newest first; only ever their own rows."""
    rows = Notification.objects.filter(user=request.user)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@login_required
@require_POST
def mark_all_read(request):
    actions.mark_read(request.user)
    return redirect("notifications:list")


@login_required
@require_POST
def open_notification(request, pk: int):
    """Mark one read and go where it points (a local address only)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    actions.mark_read(request.user, [notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


def _month_from(request, today: dt.date) -> tuple[int, int]:
    try:
        year, month = int(request.GET["y"]), int(request.GET["m"])
        if 1 <= month <= 12 and 2000 <= year <= 2200:
            return year, month
    except (KeyError, ValueError):
        pass
    return today.year, today.month


@login_required
def due_view(request):
    """What's due in the next days and a month calendar, dates in the Buddhist Era."""
    now = timezone.now()
    today = timezone.localdate()
    year, month = _month_from(request, today)
    start, end = month_bounds(year, month)
    upcoming_end = now + dt.timedelta(days=UPCOMING_DAYS)
    events = due_items(request.user, min(start, now), max(end, upcoming_end))
    upcoming = [e for e in events if now <= e.when <= upcoming_end]
    prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return render(
        request,
        "notifications/due.html",
        {
            "upcoming": upcoming,
            "weeks": month_grid(year, month, [e for e in events if start <= e.when <= end], today),
            "month_name": MONTHS[month],
            "month_number": month,
            "be_year": be_year(year),
            "prev_month": prev_month,
            "next_month": next_month,
        },
    )
