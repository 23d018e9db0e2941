"""Certificate download (holder or staff) and the public verification page."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ..certificates import certificate_pdf
from ..models import Certificate
from ..policies import certificate_policy


def certificate_pdf_view(request, code: str):
    queryset = Certificate.objects.select_related("course")
    certificate = certificate_policy.get_or_404(request.user, "view", queryset=queryset, code=code)
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
