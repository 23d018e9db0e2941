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


class Command(BaseCommand):
    help = "เปิดเว็บไซต์พร้อมตัวประมวลผลเบื้องหลัง / Serve the site with a background worker"

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
        # Static files as production serves them: hashed, brotli/gzip, cached forever.
        hashed = {**os.environ, "KHLANG_STATIC_HASHED": "1"}
        subprocess.run(
            [python, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=hashed, check=True
        )
        server = [python, "manage.py", "runserver", addr, "--noreload", "--nostatic"]
        children = [subprocess.Popen(worker), subprocess.Popen(server, env=hashed)]
        self.stdout.write(f"เปิดที่ http://{addr}/ (ผู้ดูแล http://{addr}/admin/) — กด Ctrl-C เพื่อหยุด")
        self.stdout.write(f"serving http://{addr}/ with a Celery worker; Ctrl-C stops both")

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
