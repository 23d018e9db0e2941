"""Import a USB bundle: manage.py mirror_import_bundle SOURCE (safe to run again)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mirror.errors import MirrorError
from mirror.management import progress_factory


class Command(BaseCommand):
    help = "นำเข้าชุดข้อมูลจาก USB / import a USB bundle"

    def add_arguments(self, parser):
        parser.add_argument("source")

    def handle(self, *args, **options):
        from mirror.bundle import import_bundle

        try:
            outcome = import_bundle(Path(options["source"]), progress_factory(self))
        except (MirrorError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"นำเข้าแล้ว / imported: {outcome['entries']} entries, {outcome['files']} files, "
            f"{outcome['bytes']} bytes"
        )
