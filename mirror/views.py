"""Central's admin page of school mirrors (and its CSV), and key revocation.

Every mirror is read through the mirror policy (mirror/policies.py): a mirror
outside the user's scope is a 404, never a 403 that would confirm it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.tables import csv_bytes, file_response

from .actions import revoke_mirror
from .feed import latest_version
from .policies import mirror_policy
from .status import CSV_HEADER, csv_row, standings

BEHIND_DAYS = 7


def _standings(request: HttpRequest):
    mirrors = mirror_policy.for_user(request.user).prefetch_related(
        "subject_groups", "grade_levels"
    )
    if not mirrors.exists() and not request.user.has_perm("mirror.view_mirror"):
        raise Http404
    rows = standings(mirrors)
    behind = request.GET.get("behind") == str(BEHIND_DAYS)
    if behind:
        now = timezone.now()
        rows = [row for row in rows if row.behind_more_than(BEHIND_DAYS, now)]
    return rows, behind


def mirror_status_view(request: HttpRequest) -> HttpResponse:
    rows, behind = _standings(request)
    return TemplateResponse(
        request,
        "mirror/admin/mirrors.html",
        {
            "rows": rows,
            "behind": behind,
            "behind_days": BEHIND_DAYS,
            "latest": latest_version(),
            "now": timezone.now(),
            "can_revoke": request.user.has_perm("mirror.change_mirror"),
        },
    )


def mirror_status_csv(request: HttpRequest) -> HttpResponse:
    rows, behind = _standings(request)
    now = timezone.now()
    name = "mirrors-behind.csv" if behind else "mirrors.csv"
    table = [CSV_HEADER, *(csv_row(row, now) for row in rows)]
    return file_response(csv_bytes(table), "csv", name)


@require_POST
def revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    mirror = get_object_or_404(mirror_policy.for_user(request.user), pk=pk)
    if not mirror_policy.can_change(request.user, mirror):
        raise PermissionDenied
    revoke_mirror(mirror)
    messages.success(request, _("The key of %(mirror)s was revoked.") % {"mirror": mirror})
    return redirect("mirror_status")
