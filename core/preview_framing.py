"""The admin's previews are pages shown inside the admin's own frame.

The site refuses to be framed at all (X-Frame-Options DENY, CSP
frame-ancestors 'none'): that stops clickjacking. Wagtail's live preview of a
page, a question or a revision is the one page meant for a frame, and only the
admin (same origin) frames it, so those responses, and only those, allow their
own origin. Placed after CSPMiddleware and XFrameOptionsMiddleware so it acts
on the response before either writes its header.
"""

from __future__ import annotations

import re

from csp.constants import SELF

CSP_HEADER = "Content-Security-Policy"
FRAME_ANCESTORS = re.compile(r"frame-ancestors [^;]*")


class AdminPreviewFramingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and is_admin_preview(match.url_name or "", match.namespaces):
            response["X-Frame-Options"] = "SAMEORIGIN"
            header = response.get(CSP_HEADER)
            if header:
                # Wagtail renders the preview through the whole middleware chain
                # once more (make_preview_request), so the policy is already
                # written, with the nonce its scripts carry: only its
                # frame-ancestors changes.
                response[CSP_HEADER] = FRAME_ANCESTORS.sub(f"frame-ancestors {SELF}", header)
            else:
                response._csp_replace = {"frame-ancestors": [SELF]}
        return response


def is_admin_preview(url_name: str, namespaces: list[str]) -> bool:
    """Wagtail's preview views: preview_on_add / preview_on_edit / revisions' view."""
    return "preview" in url_name and any(ns.startswith("wagtail") for ns in namespaces)
