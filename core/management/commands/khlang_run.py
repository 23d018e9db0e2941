"""Serve the site and run a Celery worker (with beat) beside it: `make run`.

Both are child processes, supervised: when one dies (a crash, the OOM killer,
a SIGKILL) it is started again at once and the console says so, so one dead
process never takes the site or the encodes down. A process that keeps dying
(five times in a minute) stops everything with a message instead of looping.
On Ctrl-C or SIGTERM both are stopped, so nothing is left running.
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
            "default,transcode,reports,mirror,live",
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
        # --skip-checks: the checks ran at migrate; a restarted web is back sooner.
        server = [python, "manage.py", "runserver", addr, "--noreload", "--skip-checks"]
        server.append("--nostatic")
        commands = {"worker": worker, "web": server}

        def start(name: str) -> subprocess.Popen:
            # Own sessions: a crash (or a test's kill) of one group leaves the other alone.
            return subprocess.Popen(commands[name], start_new_session=True, env=hashed)

        children = {name: start(name) for name in commands}
        for line in bilingual(
            "serving http://%(addr)s/ (admin http://%(addr)s/admin/) with a Celery worker;"
            " Ctrl-C stops both",
            addr=addr,
        ).split(" / "):
            self.stdout.write(line)
        stopping = []

        def stop(*_):
            stopping.append(True)
            for child in children.values():
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        deaths: dict[str, list[float]] = {name: [] for name in commands}
        try:
            while not stopping:
                time.sleep(0.5)
                for name, child in list(children.items()):
                    if child.poll() is None or stopping:
                        continue
                    now = time.monotonic()
                    deaths[name] = [t for t in deaths[name] if now - t < 60] + [now]
                    if len(deaths[name]) > 5:
                        self.stderr.write(
                            bilingual("%(name)s died five times in a minute; stopping", name=name)
                        )
                        stop()
                        break
                    self.stderr.write(
                        bilingual(
                            "%(name)s died (exit code %(code)s); restarting it",
                            name=name,
                            code=child.returncode,
                        )  # fmt: skip
                    )
                    children[name] = start(name)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for child in children.values():
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)  # with its pool processes
                    child.wait()
