"""docker-compose.yml cannot be run here (no Docker engine), so check it as data:
every service is there and every command points at something that exists."""

import importlib
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _command(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_the_production_stack_is_complete():
    assert {
        "web",
        "worker",
        "worker-transcode",
        "beat",
        "postgres",
        "redis",
        "elasticsearch",
        "nginx",
        "minio",
    } <= set(SERVICES)
    assert SERVICES["elasticsearch"]["image"].split(":")[-1].startswith("8.")


def test_gunicorn_target_exists():
    args = _command(SERVICES["web"])
    assert args[0] == "gunicorn"
    module, attr = args[1].split(":")
    assert callable(getattr(importlib.import_module(module), attr))


def test_celery_commands_name_our_app_and_real_queues():
    from django.conf import settings

    routed = {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()} | {
        settings.CELERY_TASK_DEFAULT_QUEUE
    }
    workers = [n for n in SERVICES if n == "worker" or n.startswith("worker-")]
    for name in [*workers, "beat"]:
        args = _command(SERVICES[name])
        assert args[:3] == ["celery", "-A", "khlang"], name
        importlib.import_module("khlang.celery")
        if "-Q" in args:
            assert set(args[args.index("-Q") + 1].split(",")) <= routed, name
    queues = {
        q
        for n in workers
        for q in _command(SERVICES[n])[_command(SERVICES[n]).index("-Q") + 1].split(",")
    }
    assert queues == routed  # every routed queue has a consumer
    assert routed == {"default", "transcode", "reports", "mirror", "live"}


def test_beat_schedule_names_registered_tasks():
    from khlang.celery import app

    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_mounted_files_and_build_context_exist():
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    assert (ROOT / "Dockerfile").exists()
    nginx = (ROOT / "deploy/nginx.conf").read_text()
    assert "server web:8000" in nginx  # the web service's bind port


def test_makefile_and_ci_give_the_two_commands():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci/run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert readme.index("make run") < readme.index("docker compose up")
