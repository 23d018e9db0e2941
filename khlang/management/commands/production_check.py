"""Check an installed copy of Khlang as production would run it (scripts/production-check.sh).

Run from a clean virtualenv where only ``pip install .`` (no extras) was done,
with KHLANG_ENV=production. It fails on the first thing production would trip
over: a module importing an undeclared package, a missing template or font, a
deploy-check warning, ffmpeg that cannot encode, a PDF that cannot be made.
"""

from __future__ import annotations

import importlib
import pkgutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.i18n import bilingual_lazy

PACKAGES = ["khlang", "core", "media_center", "transcoding", "lms", "exambank", "search"]
PACKAGES += ["mirror", "reports", "bench"]


def import_every_module() -> int:
    count = 0
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            importlib.import_module(module.name)
            count += 1
    return count


def _pdf(data: bytes, what: str) -> int:
    if not data.startswith(b"%PDF-") or len(data) < 1000:
        raise CommandError(f"{what}: not a PDF")
    return len(data)


class Command(BaseCommand):
    help = bilingual_lazy("Check an installed copy as production runs it")

    def handle(self, **options):
        if not settings.PRODUCTION:
            raise CommandError("KHLANG_ENV=production is required")
        self.stdout.write(f"imported {import_every_module()} modules")
        self._deploy_checks()
        call_command("migrate", verbosity=0, interactive=False)
        self._transcode()
        self._pdfs()
        self.stdout.write(self.style.SUCCESS("production check passed"))

    def _deploy_checks(self) -> None:
        """``check --deploy``: any warning fails, except the ones chosen on purpose."""
        from django.core import checks

        # SAMEORIGIN, not DENY: lesson pages frame the site's own quiz and player.
        # HSTS without includeSubDomains/preload: an area office's other hosts
        # (and intranet names) may not speak HTTPS; this site cannot decide for them.
        chosen = {"security.W019", "security.W005", "security.W021"}
        found = [
            m
            for m in checks.run_checks(include_deployment_checks=True)
            if m.level >= checks.WARNING and m.id not in chosen
        ]
        if found:
            raise CommandError("check --deploy:\n" + "\n".join(str(m) for m in found))
        self.stdout.write("check --deploy: no warnings")

    def _transcode(self) -> None:
        import m3u8

        from transcoding import pipeline
        from transcoding.samples import make_clip

        with tempfile.TemporaryDirectory() as temp:
            clip = make_clip(Path(temp) / "clip.mp4", seconds=3)
            result = pipeline.transcode(clip, Path(temp) / "out", timeout=300)
            master = m3u8.load(str(Path(temp) / "out" / "master.m3u8"))
            if not master.playlists:
                raise CommandError("transcode: the master playlist names no variant")
        self.stdout.write(f"transcoded: {len(master.playlists)} variants ({result.duration:.1f}s)")

    def _pdfs(self) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client

        from core.demo import load_demo
        from exambank.models import Quiz, QuizMode
        from exambank.paper import render_paper
        from lms.certificates import certificate_pdf
        from lms.models import Certificate

        load_demo()
        certificate = Certificate(
            code="CHECK0001",
            holder_name="เด็กหญิงทดสอบ ตรวจระบบ",  # i18n: keep (Thai text the PDF must shape)
            course_title="การอ่านภาษาไทยเบื้องต้น",  # i18n: keep (Thai text the PDF must shape)
            hours=Decimal("12.5"),
            issued_at=timezone.now(),
        )
        sizes = {"certificate": _pdf(certificate_pdf(certificate, "https://example.org/v"), "c")}
        quiz = Quiz.objects.filter(mode=QuizMode.FIXED).first()
        if quiz is None:
            raise CommandError("paper test: the demo has no fixed quiz to print")
        sizes["paper test"] = _pdf(render_paper(quiz), "paper test")
        admin = get_user_model().objects.filter(is_superuser=True).first()
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
        client.force_login(admin)
        year = timezone.now().year + 543
        response = client.get(f"/reports/annual/{year}.pdf", secure=True)
        if response.status_code != 200:
            raise CommandError(f"annual report: HTTP {response.status_code}")
        sizes["annual report"] = _pdf(response.content, "annual report")
        self.stdout.write("PDFs: " + ", ".join(f"{k} {v} bytes" for k, v in sizes.items()))
