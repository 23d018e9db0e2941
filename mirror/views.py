"""Central's admin page: every mirror's health at a glance, and key revocation."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .actions import revoke_mirror
from .feed import latest_version
from .models import ChangeEntry, Mirror
from .sources.base import scope_matches


@dataclass
class MirrorRow:
    mirror: Mirror
    versions_behind: int
    changes_pending: int


def changes_pending(mirror: Mirror) -> int:
    """Feed entries after the mirror's version that its school wants."""
    subjects = set(mirror.subject_groups.values_list("code", flat=True))
    grades = set(mirror.grade_levels.values_list("code", flat=True))
    scopes = ChangeEntry.objects.filter(version__gt=mirror.acked_version).values_list(
        "scope", flat=True
    )
    return sum(1 for scope in scopes if scope_matches(scope, mirror.school.code, subjects, grades))


def mirror_rows() -> list[MirrorRow]:
    top = latest_version()
    return [
        MirrorRow(mirror, max(top - mirror.acked_version, 0), changes_pending(mirror))
        for mirror in Mirror.objects.select_related("school")
    ]


def mirror_status_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("mirror.view_mirror"):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "mirror/admin/mirrors.html",
        {
            "rows": mirror_rows(),
            "latest": latest_version(),
            "can_revoke": request.user.has_perm("mirror.change_mirror"),
        },
    )


@require_POST
def revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("mirror.change_mirror"):
        raise PermissionDenied
    mirror = get_object_or_404(Mirror, pk=pk)
    revoke_mirror(mirror)
    messages.success(request, _("The key of %(mirror)s was revoked.") % {"mirror": mirror})
    return redirect("mirror_status")
