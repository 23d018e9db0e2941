"""Serve the site and run a Celery worker (with beat) beside it: `make run`.

Both are child processes; when one stops, or on Ctrl-C, the other is stopped
too, so nothing is left running in the background.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from core.i18n import bilingual, bilingual_lazy


class Command(BaseCommand):
    help = bilingual_lazy("Serve the site with a background worker")

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("KHLANG_ADDR", "127.0.0.1:8000"))
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, addr, concurrency, **options):
        python = sys.executable
        worker = [
            python,
            "-m",
            "celery",
            "-A",
            "khlang",
            "worker",
            "--beat",
            "--schedule",
            str(settings.VAR_DIR / "celerybeat-schedule"),
            "-Q",
            "default,transcode",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
        ]
        server = [python, "manage.py", "runserver", addr, "--noreload"]
        children = [subprocess.Popen(worker), subprocess.Popen(server)]
        for line in bilingual(
            "serving http://%(addr)s/ (admin http://%(addr)s/admin/) with a Celery worker;"
            " Ctrl-C stops both",
            addr=addr,
        ).split(" / "):
            self.stdout.write(line)

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
