from django.contrib import messages
from django.contrib.admin.views.decorators import user_passes_test
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from .actions import request_worker_heartbeat
from .models import WorkerHeartbeat


def healthz(request):
    """Liveness for nginx/docker: answers without touching the database."""
    return JsonResponse({"status": "ok"})


def _is_staff_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_perm("core.view_accesslog"))


@require_http_methods(["GET", "POST"])
@user_passes_test(_is_staff_admin, login_url="wagtailadmin_login")
def system_status(request):
    """Admin page: is the background worker alive? A button sends it a task."""
    if request.method == "POST":
        request_worker_heartbeat(source="admin")
        messages.success(request, gettext("test task sent to the worker"))
        return redirect("khlang_system_status")
    heartbeats = list(WorkerHeartbeat.objects.all()[:10])
    return TemplateResponse(
        request,
        "core/admin/system_status.html",
        {
            "heartbeats": heartbeats,
            "pending": any(h.completed_at is None for h in heartbeats),
            "last_done": WorkerHeartbeat.objects.filter(completed_at__isnull=False).first(),
        },
    )
