"""Integration suite: the real PostgreSQL, Redis and a real Celery worker process.

`make test` runs this part with DATABASE_URL, CELERY_BROKER_URL and REDIS_URL
pointing at the services on this machine; run any other way, it fails loudly
instead of quietly testing SQLite again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session", autouse=True)
def real_services_required(request):
    if not any(item.get_closest_marker("integration") for item in request.session.items):
        return
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.fail(
            "การทดสอบ integration ต้องใช้ PostgreSQL (ตั้ง DATABASE_URL หรือใช้ make test) / "
            f"the integration suite needs PostgreSQL (set DATABASE_URL or use make test); got {engine}"
        )
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "amqp://")):
        pytest.fail(
            f"integration needs a Redis or RabbitMQ broker, got {settings.CELERY_BROKER_URL!r}"
        )


def wait_until(condition, timeout: float = 60.0, interval: float = 0.2, what: str = "condition"):
    """Poll ``condition`` until it returns a truthy value, or fail the test after ``timeout`` s."""
    try:
        return wait_for(condition, timeout, what, interval)
    except TimeoutError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the test database and the real broker."""
    from django.db import connection

    from khlang.celery import app

    with django_db_blocker.unblock():
        db_name = connection.settings_dict["NAME"]
    database_url = settings.DATABASES["default"]
    url = (
        f"postgres://{database_url['USER']}@{database_url['HOST'] or '127.0.0.1'}:"
        f"{database_url['PORT'] or 5432}/{db_name}"
    )
    app.control.purge()  # messages left by an earlier, aborted run
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KHLANG_ENV": "test",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "khlang",
            "worker",
            "-Q",
            "default,transcode",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
            "--hostname",
            "khlang-test@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )

    def ready():
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited early:\n{log.read_text()[-3000:]}")
        return "ready" in log.read_text()

    wait_until(ready, timeout=60, what="the Celery worker to be ready")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
