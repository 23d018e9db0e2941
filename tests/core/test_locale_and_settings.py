import gettext
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.house.test_catalogues import entries_in, po_entries

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [ROOT / f"locale/th/LC_MESSAGES/{domain}.po" for domain in ("django", "djangojs")]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.stem)
def test_thai_catalogue_is_complete_and_compiled(po):
    entries = po_entries(po)
    assert entries, "no entries in the Thai catalogue"
    untranslated = [k for k, v in entries.items() if not v]
    assert "#, fuzzy" not in po.read_text(), "fuzzy entries are skipped by msgfmt: review them"
    assert not untranslated, f"untranslated: {untranslated}"
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))._catalog
    stale = {k: v for k, v in entries.items() if compiled.get(k) != v}
    assert not stale, f"{po.stem}.mo is out of date (run make messages): {list(stale)[:5]}"


def _upstream_catalogue(package: str, domain: str) -> Path:
    module = importlib.import_module("django.conf" if package == "django" else package)
    return Path(module.__file__).parent / f"locale/en/LC_MESSAGES/{domain}.po"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.stem)
def test_upstream_entries_name_strings_their_packages_have(po):
    """An entry marked "# upstream: <package>" overrides a string that package
    really has: a typo, or a string the package dropped, would never show."""
    known: dict[str, dict] = {}
    missing = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        marker = re.search(r"^# upstream: (.+)$", block, re.M)
        if not marker:
            continue
        (entry,) = entries_in(block)
        for package in marker[1].split():
            if package not in known:
                known[package] = po_entries(_upstream_catalogue(package, po.stem))
            if entry not in known[package]:
                missing.append(f"{package}: {entry!r}")
    assert not missing, missing


def test_thai_is_the_default_language():
    assert settings.LANGUAGE_CODE == "th"
    assert [code for code, _ in settings.LANGUAGES] == ["th", "en"]
    assert settings.TIME_ZONE == "Asia/Bangkok" and settings.WAGTAIL_ALLOW_UNICODE_SLUGS


def test_sqlite_runs_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 10000


def _settings_in_subprocess(env: dict, expr: str) -> subprocess.CompletedProcess:
    code = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='khlang.settings'; from django.conf import settings; print({expr})"
    clean = {
        k: v for k, v in os.environ.items() if k not in {"KHLANG_ENV", "SECRET_KEY", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_requires_a_secret_key(tmp_path):
    result = _settings_in_subprocess(
        {"KHLANG_ENV": "production", "KHLANG_VAR_DIR": str(tmp_path)}, "settings.SECRET_KEY"
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
    ok = _settings_in_subprocess(
        {
            "KHLANG_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "khlang.example",
            "KHLANG_VAR_DIR": str(tmp_path),
        },
        "settings.DEBUG, settings.ALLOWED_HOSTS",
    )
    assert ok.stdout.strip() == "False ['khlang.example']", ok.stderr


def test_embedded_defaults_and_environment_overrides(tmp_path):
    result = _settings_in_subprocess(
        {"KHLANG_VAR_DIR": str(tmp_path)},
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL.split(':')[0], settings.ELASTICSEARCH_URL == ''",
    )
    assert result.stdout.strip() == "django.db.backends.sqlite3 sqla+sqlite True", result.stderr
    assert (tmp_path / "secret_key").exists()  # generated once for dev
    result = _settings_in_subprocess(
        {
            "KHLANG_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u@db:5432/khlang",
            "CELERY_BROKER_URL": "redis://redis:6379/0",
            "KHLANG_ROLE": "mirror",
        },
        "settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL, settings.KHLANG_ROLE",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql redis://redis:6379/0 mirror", (
        result.stderr
    )


def test_bad_role_is_refused_in_thai_and_english(tmp_path):
    result = _settings_in_subprocess(
        {"KHLANG_VAR_DIR": str(tmp_path), "KHLANG_ROLE": "satellite"}, "settings.KHLANG_ROLE"
    )
    assert result.returncode != 0
    assert "KHLANG_ROLE ต้องเป็น central หรือ mirror" in result.stderr
    assert "must be central or mirror" in result.stderr


def test_suite_runs_in_test_mode_outside_the_working_tree():
    # Guards the load order: settings must be read after khlang.testing set the
    # environment, or tests would write into the developer's var/.
    assert settings.KHLANG_ENV == "test"
    assert not Path(settings.VAR_DIR).resolve().is_relative_to(ROOT)
