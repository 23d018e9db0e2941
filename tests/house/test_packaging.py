"""Every app of the project is in the installed package: `pip install .` (the
production image) must carry each app INSTALLED_APPS names, or the site fails to start."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_project_app_is_packaged():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    ours = {
        app.split(".")[0]
        for app in settings.INSTALLED_APPS
        if (ROOT / app.split(".")[0] / "__init__.py").exists()
    }
    missing = sorted(a for a in ours if not any(fnmatch.fnmatch(a, p) for p in include))
    assert not missing, f"add to [tool.setuptools.packages.find] include: {missing}"
