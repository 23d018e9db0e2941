"""App settings: one object per app, defaults in one place, read once (as DRF does).

Each app declares its defaults next to the code that uses them and reads them
through an ``AppSettings`` object::

    from core.conf import khlang_settings
    khlang_settings.ACCESS_LOG_RETENTION_DAYS

A deployment overrides any part of an app's dict in Django settings (a partial
dict is merged over the defaults, so leaving a key out never raises KeyError).
Values are read on first use and kept; ``setting_changed`` (override_settings,
pytest-django's ``settings``) clears them. A default may be a callable, for
values derived from other settings (a folder under VAR_DIR): it is called on
every read, so it follows the setting it derives from and never keeps a stale
folder after that setting changed.
settings.py sets only what the environment gives; every default lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed


class AppSettings:
    """Attribute (and item) access to ``settings.<setting_name>`` over ``defaults``."""

    def __init__(
        self, setting_name: str, defaults: dict[str, Any], also_reload_on: Iterable[str] = ()
    ):
        self.setting_name = setting_name
        self.defaults = defaults
        self._values: dict[str, Any] | None = None
        self._watched = {setting_name, *also_reload_on}
        setting_changed.connect(self._on_setting_changed, weak=False)

    def _load(self) -> dict[str, Any]:
        given = getattr(settings, self.setting_name, None) or {}
        return {**self.defaults, **given}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self.defaults:
            raise AttributeError(f"Unknown {self.setting_name} setting: {name!r}")
        if self._values is None:
            self._values = self._load()
        value = self._values[name]
        if callable(value) and value is self.defaults[name]:
            return value()
        return value

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def reload(self) -> None:
        self._values = None

    def _on_setting_changed(self, *, setting: str, **kwargs: Any) -> None:
        if setting in self._watched:
            self.reload()


def from_environment(environ: Any, names: dict[str, tuple[str, Callable[[str], Any]]]) -> dict:
    """The keys whose environment variable is set, each read by its cast.

    settings.py uses it so that a default is written once, in the app's conf:
    ``{"PRESET": ("KHLANG_X264_PRESET", env.str)}`` gives ``{"PRESET": "slow"}``
    when the variable is set and ``{}`` when it is not.
    """
    return {key: cast(var) for key, (var, cast) in names.items() if var in environ}


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


khlang_settings = AppSettings("KHLANG", DEFAULTS)
