import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale/th/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def _po_entries() -> dict[str, str]:
    """msgid -> msgstr, joining wrapped lines ("" continuations), without the header."""
    entries: dict[str, str] = {}
    key, parts = None, {"msgid": [], "msgstr": []}
    for line in PO.read_text().splitlines() + [""]:
        match = re.match(r'^(msgid|msgstr) "(.*)"$', line)
        if match:
            key = match[1]
            parts[key] = [match[2]]
        elif line.startswith('"') and key:
            parts[key].append(line[1:-1])
        else:
            if key == "msgstr" and "".join(parts["msgid"]):
                entries["".join(parts["msgid"])] = "".join(parts["msgstr"])
            key, parts = None, {"msgid": [], "msgstr": []}
    return entries


def test_thai_catalogue_is_complete_and_compiled():
    entries = _po_entries()
    assert entries, "no entries in the Thai catalogue"
    untranslated = [k for k, v in entries.items() if not v]
    assert "#, fuzzy" not in PO.read_text(), "fuzzy entries are skipped by msgfmt: review them"
    assert not untranslated, f"untranslated: {untranslated}"
    compiled = gettext.GNUTranslations(MO.open("rb"))._catalog
    stale = {k: v for k, v in entries.items() if compiled.get(k) != v}
    assert not stale, f"django.mo is out of date (run make messages): {list(stale)[:5]}"


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
