"""Khlang's own settings, read from settings.KHLANG with defaults (as DRF does).

from core.conf import khlang_settings
khlang_settings.ACCESS_LOG_RETENTION_DAYS
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

DEFAULTS: dict[str, Any] = {
    # The Computer Crime Act B.E. 2550 (amended 2560) asks for at least 90 days.
    "ACCESS_LOG_RETENTION_DAYS": 90,
    # Rows kept in memory before one bulk insert; 1 writes every request at once.
    "ACCESS_LOG_BATCH_SIZE": 50,
    # Longest a buffered row waits before it is written, in seconds.
    "ACCESS_LOG_MAX_DELAY": 5.0,
    # How many reverse proxies (nginx) stand in front; 0 trusts no X-Forwarded-For.
    "TRUSTED_PROXY_COUNT": 0,
}

MINIMUM_ACCESS_LOG_RETENTION_DAYS = 90


class KhlangSettings:
    def __init__(self, defaults: dict[str, Any]):
        self._defaults = defaults
        self._cache: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._defaults:
            raise AttributeError(f"Unknown Khlang setting: {name!r}")
        if name not in self._cache:
            user = getattr(settings, "KHLANG", {}) or {}
            self._cache[name] = user.get(name, self._defaults[name])
        return self._cache[name]

    def reload(self) -> None:
        self._cache.clear()


khlang_settings = KhlangSettings(DEFAULTS)


def _reload(*, setting: str, **kwargs) -> None:
    if setting == "KHLANG":
        khlang_settings.reload()


setting_changed.connect(_reload)
