"""Production settings pass Django's deploy checks; every response carries a CSP."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_in_production_prints_no_warning(tmp_path):
    env = {
        **os.environ,
        "KHLANG_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "khlang.example",
        "KHLANG_VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DEBUG": "false",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright by tests/browser only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "security.W" not in output, output
    assert "no issues" in output


@pytest.mark.django_db
def test_every_page_has_a_nonce_csp_and_is_never_framed(client):
    response = client.get("/accounts/login/")
    policy = dict(
        part.strip().split(" ", 1)
        for part in response.headers["Content-Security-Policy"].split(";")
    )
    # The nonce is added only to responses whose template used it.
    assert policy["script-src"].split(" ")[0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
