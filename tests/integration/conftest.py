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

# One Chromium for every integration test that plays something: a second
# session-wide Playwright in the same thread is refused.
from tests.browser.conftest import browser, page  # noqa: E402, F401

ROOT = Path(__file__).resolve().parents[2]
# The suite's own worker takes every queue, as `make run`'s does.
WORKER_QUEUES = "default,transcode,reports,mirror"
SESSION_WORKER = "khlang-test@%h"


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


def worker_database_url(django_db_blocker) -> str:
    """The URL of the test database, for processes started by a test."""
    from django.db import connection

    with django_db_blocker.unblock():
        db_name = connection.settings_dict["NAME"]
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{db_name}"
    )


def start_worker(
    database_url: str, log: Path, *, queues: str, hostname: str, concurrency: int = 2, **env
) -> subprocess.Popen:
    """A real `celery worker` process on the test database and the real broker;
    ``env`` adds to its environment (its own folders, object storage)."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "KHLANG_ENV": "test",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        **env,
    }
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "khlang", "worker", "-Q", queues,
            "--concurrency", str(concurrency), "--loglevel", "INFO", "--hostname", hostname,
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip

    def ready():
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited early:\n{log.read_text()[-3000:]}")
        return "ready" in log.read_text()

    wait_until(ready, timeout=60, what=f"the Celery worker {hostname} to be ready")
    return process


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on the test database and the real broker."""
    from khlang.celery import app

    url = worker_database_url(django_db_blocker)
    app.control.purge()  # messages left by an earlier, aborted run
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    process = start_worker(url, log, queues=WORKER_QUEUES, hostname=SESSION_WORKER, concurrency=2)
    yield process
    stop_worker(process)
