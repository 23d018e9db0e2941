"""Certificate download (holder or staff) and the public verification page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ..certificates import certificate_pdf
from ..models import Certificate
from .teaching import sees_every_school


def certificate_pdf_view(request, code: str):
    certificate = get_object_or_404(Certificate.objects.select_related("course"), code=code)
    user = request.user
    if not user.is_authenticated or (
        certificate.user_id != user.pk and not sees_every_school(user)
    ):
        raise PermissionDenied
    verify_url = request.build_absolute_uri(reverse("lms_verify") + f"?code={certificate.code}")
    issuer = ""
    course = certificate.course
    if course is not None:
        owner = course.owner_school or course.owner_area
        issuer = str(owner) if owner else ""
    response = HttpResponse(certificate_pdf(certificate, verify_url, issuer), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


def verify_view(request):
    """Public: anyone holding a code sees whether it is genuine, and for whom."""
    code = (request.GET.get("code") or "").strip().upper()[:16]
    certificate = Certificate.objects.filter(code=code).first() if code else None
    return render(
        request,
        "lms/verify.html",
        {"code": code, "certificate": certificate, "checked": bool(code)},
    )
