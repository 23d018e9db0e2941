"""Login throttling: a limit per account and a (higher) limit per address.

django-axes keeps the failed attempts (``AccessAttempt``, one row per account,
address and browser) and refuses a login while its handler says "locked". Axes
has one limit for every lockout parameter; a whole school behind one NAT
address shares an IP, so the address needs a far higher limit than an account.
``ThrottleHandler`` counts the two separately:

- ``KHLANG_LOGIN_LIMIT_PER_ACCOUNT`` failures for one username (default 5),
- ``KHLANG_LOGIN_LIMIT_PER_ADDRESS`` failures from one address (default 50),

each within ``AXES_COOLOFF_TIME``. An admin unlocks an account at once with
``manage.py axes_reset_username NAME`` (or ``axes_reset_ip ADDRESS``), or by
deleting its row under Django admin → Axes → Access attempts.

Every failed attempt is also written to the log with the username tried, and
the access log row of that request carries the same name (core.access_log).
"""

from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from .access_log import client_ip

logger = logging.getLogger("khlang.security.login")

# The request attribute core.access_log reads for a failed login's account name.
ATTEMPTED_USERNAME_ATTR = "khlang_attempted_username"


def _limits() -> dict[str, int]:
    return {
        "username": getattr(settings, "KHLANG_LOGIN_LIMIT_PER_ACCOUNT", 5),
        "ip_address": getattr(settings, "KHLANG_LOGIN_LIMIT_PER_ADDRESS", 50),
    }


class ThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate limit per lockout parameter.

    ``AXES_LOCKOUT_PARAMETERS`` is ``["username", "ip_address"]``, so
    ``get_user_attempts`` returns one queryset per parameter, in that order.
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        attempts = self.get_user_attempts(request, credentials)
        for parameter, queryset in zip(settings.AXES_LOCKOUT_PARAMETERS, attempts, strict=True):
            failures = queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if failures >= _limits()[parameter]:
                return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        username = str((credentials or {}).get("username") or "")[:150]
        if request is not None:
            setattr(request, ATTEMPTED_USERNAME_ATTR, username)
        logger.warning(
            "login failed: username=%r address=%s",
            username,
            client_ip(request) if request is not None else "-",
        )
        super().user_login_failed(sender, credentials, request, **kwargs)


class ThrottleBackend(AxesStandaloneBackend):
    """Axes' gate for logins that come with a request (every web login form).

    ``authenticate()`` without a request (a management command, a test client's
    ``login``) cannot be counted per address and is not a guess over the network,
    so it passes to the next backend instead of raising.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def client_address(request) -> str:
    """The address axes counts: the same one the access log records."""
    return client_ip(request) or ""


def locked_out(request, credentials: dict | None = None, *args, **kwargs):
    """What a locked-out visitor sees: a Thai-first message and how long to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "core/locked_out.html", {"minutes": minutes}, status=429)
